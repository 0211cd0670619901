//! Template cases as requests: every case of every template, on each channel and language it
//! names, with a fixed sample customer and time, so that `comms check` and the snapshot guard
//! render exactly the same messages every time.

use chrono::{TimeZone, Utc};

use crate::library::{Case, Library, Template};
use crate::request::{Application, Channel, Customer, Language, Part, Request, Service, Staff};

/// One case of one template, rendered on one channel in one language.
#[derive(Debug, Clone)]
pub struct CaseRun<'a> {
    pub template: &'a Template,
    pub case: &'a Case,
    pub channel: Channel,
    pub language: Language,
    pub request: Request,
}

impl CaseRun<'_> {
    /// A stable name: `TEMPLATE/CASE.CHANNEL.LANGUAGE`.
    pub fn name(&self) -> String {
        format!(
            "{}/{}.{}.{}",
            self.template.id, self.case.name, self.channel, self.language
        )
    }
}

/// Every case run of the library, in a stable order (template, case, channel, language).
pub fn case_runs(library: &Library) -> Vec<CaseRun<'_>> {
    let mut runs = Vec::new();
    for template in library.templates.values() {
        for case in &template.spec.cases {
            let channels = case
                .channels
                .clone()
                .unwrap_or_else(|| template.spec.channels.clone());
            let languages = case
                .languages
                .clone()
                .unwrap_or_else(|| Language::ALL.to_vec());
            for &channel in &channels {
                for &language in &languages {
                    runs.push(CaseRun {
                        template,
                        case,
                        channel,
                        language,
                        request: sample_request(template, case, channel, language),
                    });
                }
            }
        }
    }
    runs
}

/// The request a case stands for: a fixed customer, member of staff and moment.
pub fn sample_request(
    template: &Template,
    case: &Case,
    channel: Channel,
    language: Language,
) -> Request {
    Request {
        channel: Some(channel),
        language,
        large_print: case.large_print,
        draft: false,
        at: Utc.with_ymd_and_hms(2026, 11, 23, 10, 15, 0).single(),
        customer: Customer {
            title: Some("Mrs".into()),
            first_name: "Siân".into(),
            last_name: "Jones".into(),
            email: Some("sian.jones@example.com".into()),
            address: vec!["1 High Street".into(), "Cardiff".into(), "CF10 1AA".into()],
            time_zone: Some("Europe/London".into()),
        },
        staff: Staff {
            first_name: "Sam".into(),
            initials: "SB".into(),
            office: "Durham".into(),
            role: Default::default(),
        },
        application: Application {
            reference: Some("1234567890".into()),
            service: case.service.unwrap_or(Service::Standard),
            paper: false,
        },
        parts: vec![Part {
            template: template.id.to_string(),
            answers: case.answers.clone(),
        }],
        format: None,
    }
}
