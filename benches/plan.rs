//! Planning calls for a UK customer and for a customer in New York, 3 attempts each:
//! `schedule_calls` (the planning: zones, hours, unavailable times, attempts, hold) and
//! `plan_calls` (the same plus each voicemail composed from the shipped library).

#[path = "common/mod.rs"]
mod common;

use std::hint::black_box;
use std::time::Duration;

use comms::plan::{PlanRequest, plan_calls, schedule_calls};
use comms::request::{Customer, Staff};

fn request(zone: &str, now: &str, unavailable: &[&str]) -> PlanRequest {
    PlanRequest {
        time_zone: Some(zone.into()),
        now: Some(now.into()),
        unavailable: unavailable.iter().map(|s| s.to_string()).collect(),
        customer: Customer {
            first_name: "Siân".into(),
            last_name: "Jones".into(),
            email: Some("sian.jones@example.com".into()),
            ..Customer::default()
        },
        staff: Staff {
            first_name: "Sam".into(),
            office: "Durham".into(),
            ..Staff::default()
        },
        ..PlanRequest::default()
    }
}

fn main() {
    comms::tune_allocator();
    let library = common::repo_library();
    let target = Duration::from_micros(20);
    let cases = [
        (
            "UK customer (3 attempts)",
            request("Europe/London", "2026-11-23T10:15:00Z", &[]),
        ),
        (
            "New York customer, unavailable times, across a clock change",
            request(
                "America/New_York",
                "2026-10-31T13:30:00Z",
                &["12:00-13:00", "Sunday 09:00-10:00"],
            ),
        ),
    ];
    for (name, plan_request) in &cases {
        let plan = plan_calls(&library, plan_request).expect("the plan is made");
        assert_eq!(plan.attempts.len(), 3, "{name}");
        let (median, p99) = common::time_samples(20_000, || {
            black_box(schedule_calls(black_box(plan_request)).ok());
        });
        common::report(&format!("schedule_calls {name}: median"), median, target);
        println!("schedule_calls {name}: p99 {p99:?}");
        let (median, p99) = common::time_samples(20_000, || {
            black_box(plan_calls(&library, black_box(plan_request)).ok());
        });
        println!("plan_calls with voicemails {name}: median {median:?}, p99 {p99:?}");
    }
}
