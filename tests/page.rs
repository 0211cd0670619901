//! The staff page over real HTTP, as a browser without JavaScript uses it: the form posted
//! back, the preview and its escaping, the error summary linked to fields, and the call plan
//! shown beside voicemail and phone scripts. (`tests/browser.rs` drives it in Chromium.)

#[path = "support/http.rs"]
mod http;

use http::{Reply, Server, assert_error, get, request};
use regex::Regex;

/// Posts the page's form (`application/x-www-form-urlencoded`) to `path`.
fn post_form(server: &Server, path: &str, form: &str) -> Reply {
    request(
        server.addr,
        "POST",
        path,
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    )
}

/// The voicemail scripts of the call plan on a page, in order, with their `lang`.
fn planned_voicemails(html: &str) -> Vec<(String, String)> {
    let script = Regex::new(r#"<p class="script" lang="(\w+)">([^<]*)</p>"#).unwrap();
    script
        .captures_iter(html)
        .map(|found| (found[1].to_string(), found[2].to_string()))
        .collect()
}

/// The error summary's links: (field id, text).
fn summary_links(html: &str) -> Vec<(String, String)> {
    let Some(start) = html.find("class=\"error-summary\"") else {
        return Vec::new();
    };
    let end = html[start..]
        .find("</div>")
        .map_or(html.len(), |end| start + end);
    let link = Regex::new(r##"<a href="#([^"]+)">([^<]*)</a>"##).unwrap();
    link.captures_iter(&html[start..end])
        .map(|found| (found[1].to_string(), found[2].to_string()))
        .collect()
}

/// An examiner's voicemail on a first or second call, as the guidance mandates it.
const CALL_AGAIN: &str = r"^Good (morning|afternoon|evening), I am calling from His Majesty’s Passport Office, my name is Sam\. I need to speak with you directly, so please do not contact our helpline, as they will not be able to advise you\. I will call you again in 2 hours\. Goodbye\.$";

const VOICEMAIL_FORM: &str = "template=voicemail-examiner&order=voicemail-examiner\
&answer.voicemail-examiner.attempt=first&channel=voicemail&language=en\
&title=Mrs&first_name=Si%C3%A2n&last_name=Jones&staff_first_name=Sam&action=preview";

#[test]
fn the_page_works_without_javascript_and_escapes_values() {
    let server = Server::start(None);
    let page = get(server.addr, "/");
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let css = get(server.addr, "/assets/style.css");
    let js = get(server.addr, "/assets/page.js");
    assert_eq!((css.status, js.status), (200, 200));
    let first_load = page.body.len() + css.body.len() + js.body.len();
    assert!(first_load < 100 * 1024, "first load is {first_load} bytes");

    let form = "template=request-new-photo&answer.request-new-photo.reasons=shadows\
&answer.request-new-photo.reasons=glare&language=en&channel=email&service=standard\
&title=&first_name=%3Cscript%3Ealert(1)%3C%2Fscript%3E&last_name=O%27Brien%22&email=a%40example.com\
&staff_first_name=Sam&staff_initials=SB&staff_office=Durham&reference=1234567890&action=preview";
    let reply = post_form(&server, "/", form);
    assert_eq!(reply.status, 200);
    let html = reply.text();
    assert!(!html.contains("<script>alert"), "a value was not escaped");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; O&#39;Brien&quot;"),
        "{html}"
    );
    assert!(html.contains("id=\"subject-text\""));
    assert!(html.contains("Copy email subject") && html.contains("Copy email message"));

    // A required question left unanswered: an error summary linked to the question.
    let reply = post_form(
        &server,
        "/",
        "template=request-new-photo&first_name=A&last_name=B&staff_first_name=Sam&action=preview",
    );
    let html = reply.text();
    assert!(html.contains("There is a problem"));
    assert!(
        html.contains("href=\"#q-request-new-photo-reasons\""),
        "{html}"
    );
    assert!(html.contains("id=\"q-request-new-photo-reasons\""));

    assert_error(
        &request(
            server.addr,
            "POST",
            "/",
            &[("Content-Type", "application/json")],
            b"{}",
        ),
        415,
        None,
    );
}

#[test]
fn a_voicemail_script_comes_with_the_call_plan() {
    let server = Server::start(None);
    let html = post_form(&server, "/", VOICEMAIL_FORM).text();
    assert!(html.contains("id=\"call-plan\""), "{html}");
    assert!(
        html.contains("<strong>Call now.</strong>")
            != html.contains("<strong>Do not call now.</strong>"),
        "the plan says in words whether to call now"
    );
    // An examiner calling a UK customer with no email address: three calls, the first two
    // promising another call, the third a letter; each timed in UK time.
    let voicemails = planned_voicemails(&html);
    assert_eq!(voicemails.len(), 3, "{html}");
    let call_again = Regex::new(CALL_AGAIN).unwrap();
    for (lang, text) in &voicemails[..2] {
        assert_eq!(lang, "en");
        assert!(call_again.is_match(text), "{text}");
    }
    assert!(
        voicemails[2].1.contains(
            "As I have been unable to contact you by phone, so I will send you a letter asking you for information. Please follow the instructions in the letter."
        ),
        "{}",
        voicemails[2].1
    );
    assert_eq!(
        html.matches("If there is no answer, leave this voicemail")
            .count(),
        3
    );
    assert!(html.contains("<strong>After the last call:</strong>"));
    assert!(
        html.contains("I need to speak to a customer"),
        "the hold reason"
    );

    // The same form as an email: no call plan.
    let email = VOICEMAIL_FORM.replace("channel=voicemail", "channel=email");
    let html = post_form(&server, "/", &email).text();
    assert!(!html.contains("id=\"call-plan\""));
}

#[test]
fn the_call_plan_follows_role_place_and_language() {
    let server = Server::start(None);
    // Customer service, with the customer's email address: one call, and the voicemail that
    // promises an email, word for word.
    let form = VOICEMAIL_FORM.to_string() + "&role=customer_service&email=sian%40example.com";
    let html = post_form(&server, "/", &form).text();
    let voicemails = planned_voicemails(&html);
    assert_eq!(voicemails.len(), 1, "{html}");
    let csmt = Regex::new(r"^Good (morning|afternoon|evening), I am phoning from His Majesty’s Passport office regarding your recent enquiry\. We are sorry we have been unable to reach you on this occasion\. We will now respond by email to the address provided\.$").unwrap();
    assert!(csmt.is_match(&voicemails[0].1), "{}", voicemails[0].1);

    // A country code with one time zone is read as that zone, for the plan and the greeting.
    let html = post_form(
        &server,
        "/",
        &(VOICEMAIL_FORM.to_string() + "&time_zone=jp"),
    )
    .text();
    assert!(html.contains("(Asia/Tokyo)"), "{html}");
    assert!(summary_links(&html).is_empty());

    // In Welsh the voicemails are Welsh, and marked so for screen readers.
    let html = post_form(
        &server,
        "/",
        &VOICEMAIL_FORM.replace("language=en", "language=cy"),
    )
    .text();
    let voicemails = planned_voicemails(&html);
    assert!(!voicemails.is_empty());
    for (lang, text) in voicemails {
        assert_eq!(lang, "cy");
        assert!(!text.contains("Passport Office"), "not Welsh: {text}");
    }

    // Customers happy to be called at any time have no calling hours.
    let html = post_form(
        &server,
        "/",
        &(VOICEMAIL_FORM.to_string() + "&happy_outside_hours=yes"),
    )
    .text();
    assert!(
        html.contains("any time the customer is available"),
        "{html}"
    );
}

#[test]
fn call_plan_problems_are_linked_to_their_fields_and_escaped() {
    let server = Server::start(None);
    let problem = |extra: &str| {
        let html = post_form(&server, "/", &format!("{VOICEMAIL_FORM}&{extra}")).text();
        assert!(html.contains("<title>Error: "), "{html}");
        summary_links(&html)
    };
    // A country with several zones: the field, and the zones that would do.
    let links = problem("time_zone=US");
    assert_eq!(links.len(), 1, "one entry for the field: {links:?}");
    assert_eq!(links[0].0, "time_zone");
    assert!(links[0].1.contains("America/New_York"), "{links:?}");
    let links = problem("time_zone=Mars%2FBase");
    assert_eq!(links[0].0, "time_zone");
    // A time that is not one, with markup in it: named, escaped, linked.
    let html = post_form(
        &server,
        "/",
        &format!("{VOICEMAIL_FORM}&unavailable=12%3A00-14%3A00%0D%0A%3Cb%3Elunch%3C%2Fb%3E"),
    )
    .text();
    assert!(!html.contains("<b>lunch"), "a value was not escaped");
    let links = summary_links(&html);
    assert_eq!(links[0].0, "unavailable", "{links:?}");
    assert!(links[0].1.contains("&lt;b&gt;lunch"), "{links:?}");
    assert!(
        html.contains("id=\"unavailable-error\""),
        "an error beside the field"
    );
    // Customer service makes one call only.
    let links = problem("role=customer_service&attempt=2");
    assert_eq!(links[0].0, "attempt-1");
    // A first call in the future.
    let links = problem("attempt=3&first_attempt_at=2099-01-01T10%3A00");
    assert_eq!(links[0].0, "first_attempt_at");
    assert!(links[0].1.contains("is after now"), "{links:?}");
    // The first call's time is not asked of a first call.
    let html = post_form(
        &server,
        "/",
        &format!("{VOICEMAIL_FORM}&attempt=1&first_attempt_at=2099-01-01T10%3A00"),
    )
    .text();
    assert!(summary_links(&html).is_empty());
}
