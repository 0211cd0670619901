//! Phone and voicemail scripts against the guidance's own words, and the call planner.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use comms::library::Library;
use comms::message::build_message;
use comms::plan::{FollowUp, Plan, PlanError, PlanRequest, plan_calls};
use comms::request::{Answer, Channel, Customer, Language, Part, Request, Role, Staff};

const GUIDANCE: &str = "how-we-communicate-with-customers.txt";

fn library() -> &'static Library {
    static LIBRARY: OnceLock<Library> = OnceLock::new();
    LIBRARY.get_or_init(|| {
        Library::load(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the shipped library loads")
    })
}

/// The guidance text, when the shared folder is beside the repository.
fn guidance() -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    [
        root.join("../shared/guidance").join(GUIDANCE),
        Path::new("/work/shared/guidance").join(GUIDANCE),
    ]
    .iter()
    .find_map(|path| std::fs::read_to_string(path).ok())
}

/// The mandated quote, checked against the guidance itself when it is here.
fn mandated(quote: &str) -> &str {
    if let Some(text) = guidance() {
        assert!(
            text.contains(quote),
            "the guidance no longer contains this quote word for word:\n{quote}"
        );
    }
    quote
}

fn customer() -> Customer {
    Customer {
        title: Some("Mrs".into()),
        first_name: "Siân".into(),
        last_name: "Jones".into(),
        email: Some("sian.jones@example.com".into()),
        time_zone: Some("Europe/London".into()),
        ..Customer::default()
    }
}

fn staff() -> Staff {
    Staff {
        first_name: "Sam".into(),
        initials: "SB".into(),
        office: "Durham".into(),
        role: Role::Examiner,
    }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// Renders one template on a spoken channel, at `when`, for a customer in `zone`.
fn script(
    channel: Channel,
    template: &str,
    answers: &[(&str, &str)],
    when: &str,
    zone: &str,
    language: Language,
) -> String {
    let mut customer = customer();
    customer.time_zone = Some(zone.into());
    let request = Request {
        channel: Some(channel),
        language,
        at: Some(at(when)),
        customer,
        staff: staff(),
        parts: vec![Part {
            template: template.into(),
            answers: answers
                .iter()
                .map(|(q, a)| (q.to_string(), Answer::One(a.to_string())))
                .collect::<BTreeMap<_, _>>(),
        }],
        ..Request::default()
    };
    let message = build_message(library(), &request).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!(message.subject, None, "spoken channels have no subject");
    message.text.trim_end().to_string()
}

fn english(channel: Channel, template: &str, answers: &[(&str, &str)]) -> String {
    // 10:15 in London: good morning.
    script(
        channel,
        template,
        answers,
        "2026-11-23T10:15:00Z",
        "Europe/London",
        Language::En,
    )
}

/// Fills the guidance's bracketed parts the way the sample request does.
fn fill(quote: &str) -> String {
    quote
        .replace("Good [morning, afternoon, evening]", "Good morning")
        .replace("Good morning/afternoon/evening", "Good morning")
        .replace("[office location]", "Durham")
        .replace("[first name]", "Sam")
        .replace("[customer’s name (first name and surname)]", "Siân Jones")
}

#[test]
fn examiner_answers_a_call_as_the_guidance_says() {
    let quote = mandated(
        "Good [morning, afternoon, evening], His Majesty’s Passport Office [office location], [first name] speaking. How can I help you?",
    );
    assert_eq!(
        english(Channel::Phone, "phone-answer-call", &[]),
        fill(quote)
    );
}

#[test]
fn examiner_opens_a_call_as_the_guidance_says() {
    let quote = mandated(
        "Good [morning, afternoon, evening], I am calling from His Majesty’s Passport Office [office location], my name is [first name]. Can I speak to [customer’s name (first name and surname)]? Is this a convenient time to talk?",
    );
    assert_eq!(english(Channel::Phone, "phone-open-call", &[]), fill(quote));
}

#[test]
fn closing_a_call_lists_the_three_steps() {
    let steps = [
        mandated("1. Thank the customer for their call or the information they have given us."),
        mandated("2. Ask them if there is anything else you can help with."),
        mandated("3. Say goodbye."),
    ];
    assert_eq!(
        english(Channel::Phone, "phone-close-call", &[]),
        steps.join("\n")
    );
}

#[test]
fn voicemail_on_the_first_and_second_attempt() {
    let quote = mandated(
        "Good [morning, afternoon, evening], I am calling from His Majesty’s Passport Office, my name is [first name]. I need to speak with you directly, so please do not contact our helpline, as they will not be able to advise you. I will call you again in 2 hours. Goodbye.",
    );
    for attempt in ["first", "second"] {
        assert_eq!(
            english(
                Channel::Voicemail,
                "voicemail-examiner",
                &[("attempt", attempt)]
            ),
            fill(quote)
        );
    }
}

#[test]
fn voicemail_on_the_third_attempt_names_letter_or_email() {
    let quote = mandated(
        "Good [morning, afternoon, evening], I am calling from His Majesty’s Passport Office, my name is [first name]. As I have been unable to contact you by phone, so I will send you a [letter or email] asking you for information. Please follow the instructions in the [letter or email]. You may need to check your spam or junk email folder. Thank you.",
    );
    let letter = fill(quote).replace("[letter or email]", "letter");
    // "a email" reads "an email", as a person says it.
    let email = fill(quote)
        .replace("a [letter or email]", "an email")
        .replace("[letter or email]", "email");
    let third = |choice: &str| {
        english(
            Channel::Voicemail,
            "voicemail-examiner",
            &[("attempt", "third"), ("letter_or_email", choice)],
        )
    };
    assert_eq!(third("letter"), letter);
    assert_eq!(third("email"), email);
    // Unanswered, the choice follows the customer's email address (the sample has one).
    assert_eq!(
        english(
            Channel::Voicemail,
            "voicemail-examiner",
            &[("attempt", "third")]
        ),
        email
    );
}

#[test]
fn csmt_opening_recording_question_and_follow_on_lines() {
    let open = mandated(
        "Good [morning, afternoon, evening], my name is [first name] I am calling from His Majesty’s Passport Office, may I speak to [customer’s name (first name and surname)]? I need to make you aware before we continue calls are recorded for training and monitoring purposes, is that ok?",
    );
    let transferred = mandated(
        "I am calling you today as I can see that you contacted the advice team in regard to [subject of enquiry]",
    );
    let courtesy =
        mandated("I am giving you a courtesy call today in regard to your recent enquiry");
    let identity = mandated(
        "Before I can advise you further, I need to confirm I am talking to the correct person",
    );
    let rendered = english(
        Channel::Phone,
        "csmt-phone-open-call",
        &[
            ("call_reason", "transferred_enquiry"),
            ("subject_of_enquiry", "your passport renewal"),
        ],
    );
    let expected = [
        fill(open),
        transferred.replace("[subject of enquiry]", "your passport renewal"),
        identity.to_string(),
    ]
    .join("\n\n");
    assert_eq!(rendered, expected);
    let rendered = english(
        Channel::Phone,
        "csmt-phone-open-call",
        &[("call_reason", "csmt_query")],
    );
    let expected = [fill(open), courtesy.to_string(), identity.to_string()].join("\n\n");
    assert_eq!(rendered, expected);
}

#[test]
fn csmt_closing_phrase() {
    let quote = mandated("thank you for taking my call today");
    assert_eq!(english(Channel::Phone, "csmt-phone-close-call", &[]), quote);
}

#[test]
fn csmt_voicemail_with_and_without_email() {
    let with_email = mandated(
        "Good morning/afternoon/evening, I am phoning from His Majesty’s Passport office regarding your recent enquiry. We are sorry we have been unable to reach you on this occasion. We will now respond by email to the address provided.",
    );
    let without = mandated(
        "Good morning/afternoon/evening, I am phoning from His Majesty’s Passport Office. Unfortunately, I have not been able to get through to you following your call back request. If your enquiry is still outstanding, please contact us again on 0300 222 0000. Thank you.",
    );
    assert_eq!(
        english(Channel::Voicemail, "csmt-voicemail-email", &[]),
        fill(with_email)
    );
    assert_eq!(
        english(Channel::Voicemail, "csmt-voicemail-no-email", &[]),
        fill(without)
    );
    let library = library();
    assert!(
        library
            .template("csmt-voicemail-no-email")
            .unwrap()
            .spec
            .allows_contact_centre
    );
    assert!(
        !library
            .template("csmt-voicemail-email")
            .unwrap()
            .spec
            .allows_contact_centre
    );
}

#[test]
fn customer_recording_the_call() {
    let ask = english(Channel::Phone, "phone-customer-recording", &[]);
    assert!(
        ask.contains("what you intend to do with the recording"),
        "{ask}"
    );
    let share = english(
        Channel::Phone,
        "phone-customer-recording",
        &[("intent", "share")],
    );
    assert!(
        share.contains("HM Passport Office does not consent to this sharing of information"),
        "{share}"
    );
    assert!(share.contains("end the call"), "{share}");
    let own = english(
        Channel::Phone,
        "phone-customer-recording",
        &[("intent", "own_records")],
    );
    assert!(
        own.contains("Under UK General Data Protection Regulations"),
        "{own}"
    );
    assert!(own.contains("must not share, publish or broadcast the conversation"));
}

#[test]
fn good_morning_afternoon_evening_follow_the_customers_clock() {
    let greeting = |when: &str, zone: &str, language: Language| {
        let text = script(
            Channel::Phone,
            "phone-answer-call",
            &[],
            when,
            zone,
            language,
        );
        text.split(',').next().unwrap().to_string()
    };
    // 11:59 and 12:00 in London; 17:59 and 18:00.
    assert_eq!(
        greeting("2026-11-23T11:59:00Z", "Europe/London", Language::En),
        "Good morning"
    );
    assert_eq!(
        greeting("2026-11-23T12:00:00Z", "Europe/London", Language::En),
        "Good afternoon"
    );
    assert_eq!(
        greeting("2026-11-23T17:59:00Z", "Europe/London", Language::En),
        "Good afternoon"
    );
    assert_eq!(
        greeting("2026-11-23T18:00:00Z", "Europe/London", Language::En),
        "Good evening"
    );
    // 15:00 UTC is 10:00 in New York; 08:00 UTC is 19:00 in Sydney.
    assert_eq!(
        greeting("2026-11-23T15:00:00Z", "America/New_York", Language::En),
        "Good morning"
    );
    assert_eq!(
        greeting("2026-11-23T08:00:00Z", "Australia/Sydney", Language::En),
        "Good evening"
    );
    // British Summer Time: 11:30 UTC is 12:30 in London in July.
    assert_eq!(
        greeting("2026-07-01T11:30:00Z", "Europe/London", Language::En),
        "Good afternoon"
    );
    assert_eq!(
        greeting("2026-11-23T19:00:00Z", "Europe/London", Language::Cy),
        "Noswaith dda"
    );
}

#[test]
fn every_script_renders_in_welsh() {
    for (channel, template, answers) in [
        (Channel::Phone, "phone-answer-call", vec![]),
        (Channel::Phone, "phone-open-call", vec![]),
        (
            Channel::Voicemail,
            "voicemail-examiner",
            vec![("attempt", "third")],
        ),
        (Channel::Voicemail, "csmt-voicemail-no-email", vec![]),
    ] {
        let text = script(
            channel,
            template,
            &answers,
            "2026-11-23T10:15:00Z",
            "Europe/London",
            Language::Cy,
        );
        assert!(text.starts_with("Bore da, "), "{template}: {text}");
        assert!(!text.contains("His Majesty"), "{template}: {text}");
    }
}

#[test]
fn scripts_refuse_written_channels() {
    let request = Request {
        channel: Some(Channel::Email),
        customer: customer(),
        staff: staff(),
        parts: vec![Part {
            template: "voicemail-examiner".into(),
            answers: [("attempt".to_string(), Answer::One("first".into()))].into(),
        }],
        ..Request::default()
    };
    let err = build_message(library(), &request).unwrap_err().to_string();
    assert!(err.contains("cannot be sent by email"), "{err}");
    assert!(err.contains("voicemail"), "{err}");
}

// ---------------------------------------------------------------------------------------
// The call planner.

fn plan_request(zone: &str, now: &str) -> PlanRequest {
    PlanRequest {
        time_zone: Some(zone.into()),
        now: Some(now.into()),
        customer: Customer {
            time_zone: None,
            ..customer()
        },
        staff: staff(),
        ..PlanRequest::default()
    }
}

fn make_plan(request: &PlanRequest) -> Plan {
    plan_calls(library(), request).unwrap_or_else(|err| panic!("{err}"))
}

/// Each attempt as `customer-local-time UTC-time`.
fn times(plan: &Plan) -> Vec<String> {
    plan.attempts
        .iter()
        .map(|a| {
            format!(
                "{} {}",
                a.at.customer_time,
                a.at.utc.format("%Y-%m-%dT%H:%MZ")
            )
        })
        .collect()
}

fn input_error(request: &PlanRequest) -> (String, String) {
    match plan_calls(library(), request) {
        Err(PlanError::Input { field, message }) => (field, message),
        other => panic!("expected an input error, got {other:?}"),
    }
}

#[test]
fn uk_customer_three_attempts_two_hours_apart() {
    let mut request = plan_request("Europe/London", "2026-11-23T10:15:00Z");
    request.customer.email = None;
    let plan = make_plan(&request);
    assert!(plan.can_call_now, "{}", plan.reason);
    assert!(!plan.send_email_instead);
    assert!(!plan.international);
    assert_eq!(
        times(&plan),
        [
            "2026-11-23T10:15:00+00:00 2026-11-23T10:15Z",
            "2026-11-23T12:15:00+00:00 2026-11-23T12:15Z",
            "2026-11-23T14:15:00+00:00 2026-11-23T14:15Z",
        ]
    );
    assert!(plan.attempts[0].now && !plan.attempts[1].now);
    assert_eq!(
        plan.attempts
            .iter()
            .map(|a| a.voicemail.answers["attempt"].as_str())
            .collect::<Vec<_>>(),
        ["first", "second", "third"]
    );
    assert!(
        plan.attempts[0]
            .voicemail
            .text
            .starts_with("Good morning, ")
    );
    assert!(
        plan.attempts[1]
            .voicemail
            .text
            .starts_with("Good afternoon, ")
    );
    // No email address: the third voicemail and what follows say letter.
    assert!(
        plan.attempts[2]
            .voicemail
            .text
            .contains("send you a letter")
    );
    assert!(
        plan.after_last_attempt
            .contains("letter using the comms builder")
    );
    assert!(plan.after_last_attempt.contains("(915)"));
    let hold = plan.hold.as_ref().unwrap();
    assert_eq!(
        (hold.reason.as_str(), hold.hours),
        ("I need to speak to a customer", 24)
    );
    assert_eq!(hold.until.utc, at("2026-11-24T10:15:00Z"));
}

#[test]
fn new_york_customer_is_called_in_new_york_hours() {
    // 13:00 UTC is 08:00 in New York: too early there, though the UK office is open.
    let plan = make_plan(&plan_request("America/New_York", "2026-11-23T13:00:00Z"));
    assert!(!plan.can_call_now);
    assert!(
        plan.reason.contains("08:00 for the customer"),
        "{}",
        plan.reason
    );
    assert!(plan.send_email_instead);
    assert!(plan.international);
    assert_eq!(
        times(&plan),
        [
            "2026-11-23T09:00:00-05:00 2026-11-23T14:00Z",
            "2026-11-23T11:00:00-05:00 2026-11-23T16:00Z",
            "2026-11-23T13:00:00-05:00 2026-11-23T18:00Z",
        ]
    );
    assert!(plan.attempts[2].voicemail.text.contains("an email"));
    assert_eq!(plan.hold.as_ref().unwrap().hours, 24);
}

#[test]
fn sydney_customer_cannot_be_reached_in_office_hours() {
    // 09:00 to 20:00 in Sydney is 22:00 to 09:00 in the UK in November: no overlap.
    let plan = make_plan(&plan_request("Australia/Sydney", "2026-11-23T10:00:00Z"));
    assert!(!plan.can_call_now);
    assert!(plan.send_email_instead);
    assert!(plan.attempts.is_empty());
    assert_eq!(plan.hold, None);
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("send an email instead"))
    );

    // A customer happy to be called at any time is called in office hours.
    let mut request = plan_request("Australia/Sydney", "2026-11-23T10:00:00Z");
    request.happy_outside_hours = true;
    let plan = make_plan(&request);
    assert!(plan.can_call_now);
    assert!(!plan.send_email_instead);
    assert_eq!(plan.calling_hours, None);
    assert_eq!(
        times(&plan),
        [
            "2026-11-23T21:00:00+11:00 2026-11-23T10:00Z",
            "2026-11-23T23:00:00+11:00 2026-11-23T12:00Z",
            "2026-11-24T01:00:00+11:00 2026-11-23T14:00Z",
        ]
    );
    assert!(
        plan.attempts[0]
            .voicemail
            .text
            .starts_with("Good evening, ")
    );
}

#[test]
fn late_evening_call_moves_to_the_next_morning() {
    let plan = make_plan(&plan_request("Europe/London", "2026-11-23T19:30:00Z"));
    assert!(plan.can_call_now);
    assert_eq!(
        times(&plan),
        [
            "2026-11-23T19:30:00+00:00 2026-11-23T19:30Z",
            "2026-11-24T09:00:00+00:00 2026-11-24T09:00Z",
            "2026-11-24T11:00:00+00:00 2026-11-24T11:00Z",
        ]
    );
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("says you will call again in 2 hours")),
        "{:?}",
        plan.notes
    );

    // At 20:00 the window has closed: send an email, or call from 09:00.
    let plan = make_plan(&plan_request("Europe/London", "2026-11-23T20:00:00Z"));
    assert!(!plan.can_call_now);
    assert!(plan.send_email_instead);
    assert_eq!(plan.attempts[0].at.utc, at("2026-11-24T09:00:00Z"));
    assert_eq!(plan.attempts.len(), 3);
}

#[test]
fn plans_across_the_end_and_start_of_british_summer_time() {
    // Clocks go back at 02:00 BST on Sunday 25 October 2026.
    let plan = make_plan(&plan_request("Europe/London", "2026-10-24T18:00:00Z"));
    assert_eq!(
        times(&plan),
        [
            "2026-10-24T19:00:00+01:00 2026-10-24T18:00Z",
            "2026-10-25T09:00:00+00:00 2026-10-25T09:00Z",
            "2026-10-25T11:00:00+00:00 2026-10-25T11:00Z",
        ]
    );
    // Clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    let plan = make_plan(&plan_request("Europe/London", "2026-03-28T19:30:00Z"));
    assert_eq!(
        times(&plan),
        [
            "2026-03-28T19:30:00+00:00 2026-03-28T19:30Z",
            "2026-03-29T09:00:00+01:00 2026-03-29T08:00Z",
            "2026-03-29T11:00:00+01:00 2026-03-29T10:00Z",
        ]
    );
}

#[test]
fn plans_across_another_zones_clock_change() {
    // New York leaves daylight time on Sunday 1 November 2026, a week after the UK.
    let mut request = plan_request("America/New_York", "2026-10-31T23:00:00Z");
    request.office_hours = Some("00:00-24:00".into());
    let plan = make_plan(&request);
    assert!(plan.can_call_now, "{}", plan.reason);
    assert_eq!(
        times(&plan),
        [
            "2026-10-31T19:00:00-04:00 2026-10-31T23:00Z",
            "2026-11-01T09:00:00-05:00 2026-11-01T14:00Z",
            "2026-11-01T11:00:00-05:00 2026-11-01T16:00Z",
        ]
    );
    // Sydney starts daylight time on Sunday 4 October 2026: 09:00 that day is 22:00 UTC on the
    // Saturday, not 23:00.
    let mut request = plan_request("Australia/Sydney", "2026-10-03T09:00:00Z");
    request.office_hours = Some("00:00-24:00".into());
    let plan = make_plan(&request);
    assert_eq!(
        times(&plan),
        [
            "2026-10-03T19:00:00+10:00 2026-10-03T09:00Z",
            "2026-10-04T09:00:00+11:00 2026-10-03T22:00Z",
            "2026-10-04T11:00:00+11:00 2026-10-04T00:00Z",
        ]
    );
    // In the week between the two changes New York is 4 hours behind, not 5: at 13:30 UTC it
    // is 09:30 there, inside the hours.
    let plan = make_plan(&plan_request("America/New_York", "2026-10-28T13:30:00Z"));
    assert!(plan.can_call_now, "{}", plan.reason);
    assert_eq!(plan.now.customer_time, "2026-10-28T09:30:00-04:00");
}

#[test]
fn unavailable_times_are_avoided() {
    let mut request = plan_request("Europe/London", "2026-11-23T10:00:00Z");
    request.unavailable = vec!["10:00-13:00".into(), "Monday 16:00-17:30".into()];
    let plan = make_plan(&request);
    assert!(!plan.can_call_now);
    assert!(!plan.send_email_instead);
    assert_eq!(plan.reason, "The customer said they are unavailable now.");
    assert_eq!(
        times(&plan),
        [
            "2026-11-23T13:00:00+00:00 2026-11-23T13:00Z",
            "2026-11-23T15:00:00+00:00 2026-11-23T15:00Z",
            "2026-11-23T17:30:00+00:00 2026-11-23T17:30Z",
        ]
    );

    // Out all day today: the 24 hours start with tomorrow's first call.
    let mut request = plan_request("Europe/London", "2026-11-23T10:00:00Z");
    request.unavailable = vec!["2026-11-23".into()];
    let plan = make_plan(&request);
    assert_eq!(
        times(&plan),
        [
            "2026-11-24T09:00:00+00:00 2026-11-24T09:00Z",
            "2026-11-24T11:00:00+00:00 2026-11-24T11:00Z",
            "2026-11-24T13:00:00+00:00 2026-11-24T13:00Z",
        ]
    );
    assert_eq!(plan.hold.unwrap().until.utc, at("2026-11-25T09:00:00Z"));

    // Called at 19:00 and out all the next day: only one call fits in the 24 hours.
    let mut request = plan_request("Europe/London", "2026-11-23T19:00:00Z");
    request.unavailable = vec!["2026-11-24".into()];
    let plan = make_plan(&request);
    assert_eq!(
        times(&plan),
        ["2026-11-23T19:00:00+00:00 2026-11-23T19:00Z"]
    );
    assert!(plan.notes.iter().any(|n| n.contains("Only 1 of the 3")));
}

#[test]
fn hard_to_reach_international_customer_is_held_for_48_hours() {
    // Tokyo's 09:00 to 20:00 meets the UK's 09:00 to 20:00 only from 09:00 to 11:00 UTC.
    let plan = make_plan(&plan_request("Asia/Tokyo", "2026-11-23T09:00:00Z"));
    assert!(plan.can_call_now);
    assert_eq!(
        times(&plan),
        [
            "2026-11-23T18:00:00+09:00 2026-11-23T09:00Z",
            "2026-11-24T18:00:00+09:00 2026-11-24T09:00Z",
        ]
    );
    let hold = plan.hold.unwrap();
    assert_eq!(hold.hours, 48);
    assert!(hold.why.contains("time difference"), "{}", hold.why);
}

#[test]
fn later_attempts_keep_to_the_first_attempts_24_hours() {
    let mut request = plan_request("Europe/London", "2026-11-23T17:00:00Z");
    request.attempt = Some(2.into());
    request.first_attempt_at = Some("2026-11-23T15:00:00Z".into());
    let plan = make_plan(&request);
    assert_eq!(
        plan.attempts.iter().map(|a| a.number).collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(plan.attempts[1].at.utc, at("2026-11-23T19:00:00Z"));
    assert_eq!(plan.attempts[1].voicemail.answers["attempt"], "third");
    assert_eq!(plan.hold.unwrap().until.utc, at("2026-11-24T15:00:00Z"));

    // The second attempt waits until 2 hours after the first.
    request.first_attempt_at = Some("2026-11-23T16:30:00Z".into());
    let plan = make_plan(&request);
    assert!(!plan.can_call_now);
    assert!(
        plan.reason.contains("less than 2 hours ago"),
        "{}",
        plan.reason
    );
    assert!(!plan.attempts[0].now);
    assert_eq!(plan.attempts[0].at.utc, at("2026-11-23T18:30:00Z"));

    // A first attempt more than a day ago leaves no room.
    request.first_attempt_at = Some("2026-11-22T15:00:00Z".into());
    let plan = make_plan(&request);
    assert!(plan.attempts.is_empty());
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("24 hours that began with the first attempt")),
        "{:?}",
        plan.notes
    );
}

#[test]
fn customer_service_calls_from_8am_once_then_writes() {
    let mut request = plan_request("Europe/London", "2026-11-23T08:30:00Z");
    let examiner = make_plan(&request);
    assert!(!examiner.can_call_now, "examiners call from 09:00");
    request.role = Some(Role::CustomerService);
    let with_email = make_plan(&request);
    assert!(with_email.can_call_now);
    assert_eq!(with_email.attempts.len(), 1);
    assert_eq!(
        with_email.attempts[0].voicemail.template,
        "csmt-voicemail-email"
    );
    assert!(with_email.after_last_attempt.contains("email response"));
    assert_eq!(with_email.hold, None);

    request.customer.email = None;
    let without = make_plan(&request);
    assert_eq!(
        without.attempts[0].voicemail.template,
        "csmt-voicemail-no-email"
    );
    assert!(without.attempts[0].voicemail.text.contains("0300 222 0000"));
    assert!(without.after_last_attempt.contains("call back log"));

    request.attempt = Some(2.into());
    let (field, message) = input_error(&request);
    assert_eq!(field, "attempt");
    assert!(message.contains("only attempt is 1"), "{message}");
}

#[test]
fn follow_up_and_welsh_voicemails() {
    let mut request = plan_request("Europe/London", "2026-11-23T10:00:00Z");
    request.follow_up = Some(FollowUp::Letter);
    request.language = Language::Cy;
    let plan = make_plan(&request);
    assert!(plan.attempts[0].voicemail.text.starts_with("Bore da, "));
    assert!(plan.attempts[2].voicemail.text.contains("llythyr"));
}

#[test]
fn country_codes_name_single_zone_countries_only() {
    let mut request = plan_request("", "2026-11-23T10:00:00Z");
    request.time_zone = None;
    request.country = Some("fr".into());
    assert_eq!(make_plan(&request).time_zone, "Europe/Paris");

    request.country = Some("US".into());
    let (field, message) = input_error(&request);
    assert_eq!(field, "country");
    assert!(message.contains("several time zones"), "{message}");
    assert!(message.contains("America/New_York"), "{message}");

    request.country = Some("Narnia".into());
    let (field, message) = input_error(&request);
    assert_eq!(field, "country");
    assert!(message.contains("time_zone"), "{message}");
    assert!(message.contains("GB"), "{message}");
}

#[test]
fn bad_input_says_what_is_accepted() {
    let request = plan_request("Mars/Olympus_Mons", "2026-11-23T10:00:00Z");
    let (field, message) = input_error(&request);
    assert_eq!(field, "time_zone");
    assert!(
        message.contains("IANA name such as Europe/London"),
        "{message}"
    );

    let request = plan_request("america/new york", "2026-11-23T10:00:00Z");
    let (_, message) = input_error(&request);
    assert!(
        message.contains("did you mean America/New_York?"),
        "{message}"
    );

    for attempt in [0, 4, -1] {
        let mut request = plan_request("Europe/London", "2026-11-23T10:00:00Z");
        request.attempt = Some(attempt.into());
        let (field, message) = input_error(&request);
        assert_eq!(field, "attempt");
        assert!(message.contains("give 1, 2 or 3"), "{message}");
    }

    let mut request = plan_request("Europe/London", "2026-11-23T10:00:00Z");
    request.unavailable = vec!["12:00-14:00".into(), "after lunch".into()];
    let (field, message) = input_error(&request);
    assert_eq!(field, "unavailable[1]");
    assert!(message.contains("`after lunch`"), "{message}");
    assert!(message.contains("HH:MM-HH:MM"), "{message}");

    let request = plan_request("Europe/London", "tomorrow at nine");
    let (field, message) = input_error(&request);
    assert_eq!(field, "now");
    assert!(message.contains("2026-11-23T14:00:00Z"), "{message}");

    let mut request = plan_request("Europe/London", "2026-11-23T10:00:00Z");
    request.office_hours = Some("9-5".into());
    let (field, _) = input_error(&request);
    assert_eq!(field, "office_hours");

    // Without a first name the voicemail cannot be composed, and the error says so.
    let mut request = plan_request("Europe/London", "2026-11-23T10:00:00Z");
    request.staff.first_name = String::new();
    match plan_calls(library(), &request) {
        Err(PlanError::Script(message)) => {
            assert!(message.contains("staff.first_name"), "{message}")
        }
        other => panic!("expected a script error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// The command line.

fn comms(args: &[&str], stdin: &str) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_comms"))
        .args(args)
        .arg("--library")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("comms runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const PLAN_YAML: &str = "role: examiner
country: FR
now: 2026-11-23T19:30:00Z
unavailable: [\"12:00-14:00\"]
customer: { first_name: Siân, last_name: Jones }
staff: { first_name: Sam, office: Durham }
";

#[test]
fn plan_calls_command_prints_text_and_json() {
    // 19:30 UTC is 20:30 in Paris: closed.
    let (status, text, stderr) = comms(&["plan-calls", "-"], PLAN_YAML);
    assert_eq!(status, 0, "{stderr}");
    assert!(text.contains("DO NOT CALL NOW."), "{text}");
    assert!(text.contains("SEND AN EMAIL INSTEAD."), "{text}");
    // Paris is an hour ahead: the UK office opens at 10:00 there.
    assert!(
        text.contains("Attempt 1: Tuesday 24 November 2026 at 10:00 CET"),
        "{text}"
    );
    // 12:00 is inside the customer's 12:00-14:00: the second attempt waits until 14:00.
    assert!(
        text.contains("Attempt 2: Tuesday 24 November 2026 at 14:00 CET"),
        "{text}"
    );
    assert!(
        text.contains("Attempt 3: Tuesday 24 November 2026 at 16:00 CET"),
        "{text}"
    );
    assert!(text.contains(
        "Good morning, I am calling from His Majesty’s Passport Office, my name is Sam."
    ));

    let (status, json, stderr) = comms(
        &[
            "plan-calls",
            "-",
            "--format",
            "json",
            "--now",
            "2026-11-23T09:30:00Z",
        ],
        PLAN_YAML,
    );
    assert_eq!(status, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["can_call_now"], true);
    assert_eq!(value["time_zone"], "Europe/Paris");
    assert_eq!(value["attempts"].as_array().unwrap().len(), 3);
    assert_eq!(
        value["attempts"][0]["voicemail"]["template"],
        "voicemail-examiner"
    );
    assert_eq!(value["hold"]["hours"], 24);
}

#[test]
fn plan_calls_command_options_and_errors() {
    let (status, text, stderr) = comms(
        &[
            "plan-calls",
            "-",
            "--time-zone",
            "America/New_York",
            "--now",
            "2026-11-23T15:00:00Z",
        ],
        PLAN_YAML,
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(text.contains("CALL NOW."), "{text}");
    assert!(text.contains("(America/New_York)"), "{text}");

    let (status, _, stderr) = comms(&["plan-calls", "-", "--attempt", "5"], PLAN_YAML);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("attempt: 5 is not an attempt number; give 1, 2 or 3"),
        "{stderr}"
    );

    let (status, _, stderr) = comms(&["plan-calls", "-", "--country", "CA"], PLAN_YAML);
    assert_eq!(status, 2);
    assert!(
        stderr.contains("country: CA has several time zones"),
        "{stderr}"
    );

    let (status, _, stderr) = comms(&["plan-calls", "-"], "attempt: two\n");
    assert_eq!(status, 2);
    assert!(
        stderr.contains("attempt: `two` is not an attempt number; give 1, 2 or 3"),
        "{stderr}"
    );

    let (status, text, stderr) = comms(
        &[
            "plan-calls",
            "--country",
            "IE",
            "--staff-first-name",
            "Alex",
            "--now",
            "2026-11-23T10:00:00Z",
        ],
        "",
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(text.contains("my name is Alex."), "{text}");

    let (status, _, stderr) = comms(&["plan-calls", "-"], "colour: blue\n");
    assert_eq!(status, 2);
    assert!(stderr.contains("<stdin>:1:"), "{stderr}");
    assert!(stderr.contains("colour"), "{stderr}");
}

#[test]
fn render_prints_voicemail_scripts() {
    let request = "channel: voicemail
at: 2026-11-23T23:30:00Z
customer: { first_name: Siân, last_name: Jones, time_zone: America/New_York }
staff: { first_name: Sam, office: Durham }
parts:
  - template: voicemail-examiner
    answers: { attempt: second }
";
    let (status, text, stderr) = comms(&["render", "-"], request);
    assert_eq!(status, 0, "{stderr}");
    // 23:30 UTC is 18:30 in New York.
    assert!(
        text.starts_with("Good evening, I am calling from His Majesty’s Passport Office"),
        "{text}"
    );
    let (status, json, _) = comms(&["render", "-", "--format", "json"], request);
    assert_eq!(status, 0);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["subject"], serde_json::Value::Null);
    assert!(value["text"].as_str().unwrap().contains("in 2 hours"));
}
