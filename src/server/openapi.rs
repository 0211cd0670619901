//! The OpenAPI 3.1 description of the JSON API, built from [`super::api::ROUTES`] (the same
//! table the router is built from, so the two cannot drift apart) and the JSON Schemas of the
//! request and response types.

use serde_json::{Map, Value, json};

use super::api::ROUTES;
use crate::request::{Channel, Language};

/// The whole OpenAPI document.
pub fn document() -> Value {
    let mut paths = Map::new();

    for route in ROUTES {
        let mut responses = Map::new();
        for reply in route.replies {
            let entry = responses
                .entry(reply.status.to_string())
                .or_insert_with(|| json!({ "description": reply.description, "content": {} }));
            if let Some((media_type, schema)) = reply.body
                && let Some(content) = entry.get_mut("content").and_then(Value::as_object_mut)
            {
                content.insert(
                    media_type.to_string(),
                    json!({ "schema": { "$ref": format!("#/components/schemas/{schema}") } }),
                );
            }
        }
        let mut operation = Map::new();
        operation.insert("operationId".into(), json!(route.operation_id));
        operation.insert("summary".into(), json!(route.summary));
        if let Some((name, description)) = route.parameter {
            operation.insert(
                "parameters".into(),
                json!([{ "name": name, "in": "path", "required": true, "description": description,
                         "schema": { "type": "string", "pattern": "^[a-z0-9-]{1,100}$" } }]),
            );
        }
        if let Some((name, description, values)) = route.query {
            operation.insert(
                "parameters".into(),
                json!([{ "name": name, "in": "query", "required": false,
                         "description": description, "schema": { "enum": values } }]),
            );
        }
        if let Some((media_type, schema)) = route.body {
            operation.insert(
                "requestBody".into(),
                json!({ "required": true, "content": { media_type: { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } }),
            );
        }
        operation.insert("responses".into(), Value::Object(responses));
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(methods) = entry {
            methods.insert(route.method.as_str().into(), Value::Object(operation));
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "comms-builder",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Builds HM Passport Office customer messages from approved phrases, checked against the house style.",
        },
        "servers": [{ "url": "/" }],
        "components": {
            "schemas": schemas(),
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer",
                "description": "Needed only when the server runs with COMMS_API_TOKEN set." } },
        },
        "paths": paths,
    })
}

fn names<T: Copy>(all: &[T], name: impl Fn(T) -> &'static str) -> Value {
    json!(all.iter().map(|item| name(*item)).collect::<Vec<_>>())
}

fn schemas() -> Value {
    let text = json!({ "type": "string" });
    let optional_text = json!({ "type": ["string", "null"] });
    json!({
        "Health": { "type": "object", "required": ["status", "templates"], "properties": {
            "status": { "const": "ok" }, "templates": { "type": "integer" } } },
        "Request": {
            "type": "object", "additionalProperties": false,
            "description": "One message to build: channel, language, people, application and the templates with their answers.",
            "properties": {
                "channel": { "enum": names(&Channel::ALL, Channel::as_str) },
                "language": { "enum": names(&Language::ALL, Language::as_str), "default": "en" },
                "large_print": { "type": "boolean", "default": false },
                "draft": { "type": "boolean", "default": false },
                "format": { "enum": ["json", "eml", "pdf"], "default": "json",
                    "description": "What POST /api/render answers with; `?format=` wins over it, and it wins over `Accept`." },
                "at": { "type": "string", "format": "date-time" },
                "customer": { "type": "object", "additionalProperties": false, "properties": {
                    "title": optional_text, "first_name": text, "last_name": text, "email": optional_text,
                    "address": { "type": "array", "items": text }, "time_zone": optional_text } },
                "staff": { "type": "object", "additionalProperties": false, "properties": {
                    "first_name": text, "initials": text, "office": text,
                    "role": { "enum": ["examiner", "customer_service"] } } },
                "application": { "type": "object", "additionalProperties": false, "properties": {
                    "reference": optional_text,
                    "service": { "enum": ["standard", "fast_track", "premium"] },
                    "paper": { "type": "boolean" } } },
                "parts": { "type": "array", "items": { "type": "object", "required": ["template"],
                    "additionalProperties": false, "properties": {
                        "template": text,
                        "answers": { "type": "object", "additionalProperties": {
                            "oneOf": [ { "type": "string" }, { "type": "array", "items": text },
                                       { "type": "number" }, { "type": "boolean" } ] } } } } },
            },
        },
        "Finding": { "type": "object", "required": ["rule", "severity", "message", "field", "line", "column", "text", "source"], "properties": {
            "rule": text, "severity": { "enum": ["error", "warning", "suggestion"] }, "message": text,
            "line": { "type": "integer" }, "column": { "type": "integer" }, "text": text,
            "suggestion": optional_text,
            "field": { "enum": ["body", "subject", "recipient"], "description": "Which text `line` and `column` point into" },
            "phrase": optional_text,
            "source": { "enum": ["phrase", "placeholder", "free_text", "template"] } } },
        "Message": { "type": "object", "required": ["subject", "text", "html", "findings"], "properties": {
            "subject": optional_text, "text": text, "html": optional_text,
            "findings": { "type": "array", "items": { "$ref": "#/components/schemas/Finding" } } } },
        "Template": { "type": "object", "required": ["id", "name", "purpose", "channels", "questions"], "properties": {
            "id": text, "name": text, "purpose": text,
            "channels": { "type": "array", "items": { "enum": names(&Channel::ALL, Channel::as_str) } },
            "asks_for_reply": { "type": "boolean" }, "last_resort": { "type": "boolean" },
            "automatic": { "type": "boolean", "description": "An automatic mailbox reply: no greeting, no member of staff, sent on its own" },
            "answer_at_least_one_of": { "type": "array", "items": text, "description": "Questions of which at least one must be answered" },
            "only_when": { "type": "array", "description": "Conditions on the answers without which the template must not be used",
                "items": { "type": "object", "required": ["question", "equals", "message"], "properties": {
                    "question": text, "equals": text, "message": text } } },
            "questions": { "type": "array", "items": { "type": "object", "required": ["id", "label", "kind"], "properties": {
                "id": text, "label": text, "hint": optional_text,
                "kind": { "enum": ["radio", "checkboxes", "text", "free_text", "date", "money"] },
                "required": { "type": "boolean" },
                "options": { "type": "array", "items": { "type": "object", "properties": { "value": text, "label": text } } } } } } } },
        "TemplateList": { "type": "array", "items": { "$ref": "#/components/schemas/Template" } },
        "Error": { "type": "object", "required": ["status", "message", "field", "problems"], "properties": {
            "status": { "type": "integer" }, "message": text, "field": optional_text,
            "problems": { "type": "array", "items": { "type": "object", "properties": {
                "message": text, "field": optional_text } } } } },
        "OpenApi": { "type": "object" },
        "Eml": { "type": "string", "contentMediaType": "message/rfc822" },
        "Pdf": { "type": "string", "contentMediaType": "application/pdf" },
        "LintRequest": { "type": "object", "required": ["text"], "additionalProperties": false,
            "properties": { "text": { "type": "string", "description": "The text to lint, as staff would type it." } } },
        "LintResult": { "type": "object", "required": ["findings"], "properties": {
            "findings": { "type": "array", "items": { "$ref": "#/components/schemas/Finding" } } } },
        "PlanRequest": {
            "type": "object", "additionalProperties": false,
            "description": "Who is calling, where the customer is, and when they cannot take a call.",
            "properties": {
                "role": { "enum": ["examiner", "customer_service"] },
                "time_zone": { "type": ["string", "null"], "description": "The customer's IANA time zone, such as America/New_York" },
                "country": { "type": ["string", "null"], "description": "A two-letter country code, for countries with one time zone" },
                "now": { "type": ["string", "null"], "format": "date-time" },
                "unavailable": { "type": "array", "items": text },
                "happy_outside_hours": { "type": "boolean", "default": false },
                "attempt": { "oneOf": [ { "type": "integer", "minimum": 1, "maximum": 3 }, { "type": "string" } ] },
                "first_attempt_at": { "type": ["string", "null"], "format": "date-time" },
                "office_hours": { "type": ["string", "null"], "description": "HH:MM-HH:MM in UK time" },
                "follow_up": { "enum": ["email", "letter"] },
                "language": { "enum": names(&Language::ALL, Language::as_str), "default": "en" },
                "customer": { "type": "object" },
                "staff": { "type": "object" },
            },
        },
        "Plan": { "type": "object", "required": ["role", "time_zone", "can_call_now", "reason"], "properties": {
            "role": { "enum": ["examiner", "customer_service"] }, "time_zone": text,
            "international": { "type": "boolean" }, "can_call_now": { "type": "boolean" }, "reason": text,
            "send_email_instead": { "type": "boolean" }, "attempts": { "type": "array" } } },
    })
}
