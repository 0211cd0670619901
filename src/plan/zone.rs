//! Where the customer is: an IANA time zone, or a country code for countries with one zone.
//! Countries that span several zones need the zone itself.

use chrono_tz::Tz;

/// The time zone of UK customers, and of the office making the calls.
pub const UK_ZONE: Tz = chrono_tz::Europe::London;

/// Zones that keep UK time and need no time-difference check.
const UK_ZONES: [&str; 7] = [
    "Europe/London",
    "Europe/Belfast",
    "GB",
    "GB-Eire",
    "Europe/Jersey",
    "Europe/Guernsey",
    "Europe/Isle_of_Man",
];

/// Countries with one time zone (ISO 3166-1 alpha-2 codes, plus UK for GB).
const SINGLE_ZONE_COUNTRIES: [(&str, &str); 62] = [
    ("AE", "Asia/Dubai"),
    ("AR", "America/Argentina/Buenos_Aires"),
    ("AT", "Europe/Vienna"),
    ("BD", "Asia/Dhaka"),
    ("BE", "Europe/Brussels"),
    ("BG", "Europe/Sofia"),
    ("CH", "Europe/Zurich"),
    ("CN", "Asia/Shanghai"),
    ("CO", "America/Bogota"),
    ("CY", "Asia/Nicosia"),
    ("CZ", "Europe/Prague"),
    ("DE", "Europe/Berlin"),
    ("DK", "Europe/Copenhagen"),
    ("EE", "Europe/Tallinn"),
    ("EG", "Africa/Cairo"),
    ("FI", "Europe/Helsinki"),
    ("FR", "Europe/Paris"),
    ("GB", "Europe/London"),
    ("GG", "Europe/Guernsey"),
    ("GH", "Africa/Accra"),
    ("GI", "Europe/Gibraltar"),
    ("GR", "Europe/Athens"),
    ("HK", "Asia/Hong_Kong"),
    ("HR", "Europe/Zagreb"),
    ("HU", "Europe/Budapest"),
    ("IE", "Europe/Dublin"),
    ("IL", "Asia/Jerusalem"),
    ("IM", "Europe/Isle_of_Man"),
    ("IN", "Asia/Kolkata"),
    ("IS", "Atlantic/Reykjavik"),
    ("IT", "Europe/Rome"),
    ("JE", "Europe/Jersey"),
    ("JM", "America/Jamaica"),
    ("JP", "Asia/Tokyo"),
    ("KE", "Africa/Nairobi"),
    ("KR", "Asia/Seoul"),
    ("LK", "Asia/Colombo"),
    ("LT", "Europe/Vilnius"),
    ("LU", "Europe/Luxembourg"),
    ("LV", "Europe/Riga"),
    ("MT", "Europe/Malta"),
    ("MY", "Asia/Kuala_Lumpur"),
    ("NG", "Africa/Lagos"),
    ("NL", "Europe/Amsterdam"),
    ("NO", "Europe/Oslo"),
    ("PE", "America/Lima"),
    ("PH", "Asia/Manila"),
    ("PK", "Asia/Karachi"),
    ("PL", "Europe/Warsaw"),
    ("QA", "Asia/Qatar"),
    ("RO", "Europe/Bucharest"),
    ("SA", "Asia/Riyadh"),
    ("SE", "Europe/Stockholm"),
    ("SG", "Asia/Singapore"),
    ("SI", "Europe/Ljubljana"),
    ("SK", "Europe/Bratislava"),
    ("TH", "Asia/Bangkok"),
    ("TR", "Europe/Istanbul"),
    ("UA", "Europe/Kyiv"),
    ("UK", "Europe/London"),
    ("VN", "Asia/Ho_Chi_Minh"),
    ("ZA", "Africa/Johannesburg"),
];

/// Countries with several time zones, and their main zones (for the error message).
const MULTI_ZONE_COUNTRIES: [(&str, &[&str]); 14] = [
    (
        "AU",
        &[
            "Australia/Sydney",
            "Australia/Melbourne",
            "Australia/Brisbane",
            "Australia/Adelaide",
            "Australia/Darwin",
            "Australia/Perth",
            "Australia/Hobart",
        ],
    ),
    (
        "BR",
        &[
            "America/Sao_Paulo",
            "America/Manaus",
            "America/Fortaleza",
            "America/Rio_Branco",
            "America/Noronha",
        ],
    ),
    (
        "CA",
        &[
            "America/Toronto",
            "America/Vancouver",
            "America/Edmonton",
            "America/Winnipeg",
            "America/Regina",
            "America/Halifax",
            "America/St_Johns",
        ],
    ),
    ("CD", &["Africa/Kinshasa", "Africa/Lubumbashi"]),
    (
        "CL",
        &["America/Santiago", "America/Punta_Arenas", "Pacific/Easter"],
    ),
    ("EC", &["America/Guayaquil", "Pacific/Galapagos"]),
    ("ES", &["Europe/Madrid", "Atlantic/Canary"]),
    ("ID", &["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]),
    ("KZ", &["Asia/Almaty", "Asia/Aqtobe"]),
    (
        "MX",
        &[
            "America/Mexico_City",
            "America/Cancun",
            "America/Chihuahua",
            "America/Hermosillo",
            "America/Tijuana",
        ],
    ),
    ("NZ", &["Pacific/Auckland", "Pacific/Chatham"]),
    (
        "PT",
        &["Europe/Lisbon", "Atlantic/Madeira", "Atlantic/Azores"],
    ),
    (
        "RU",
        &[
            "Europe/Moscow",
            "Europe/Kaliningrad",
            "Europe/Samara",
            "Asia/Yekaterinburg",
            "Asia/Omsk",
            "Asia/Novosibirsk",
            "Asia/Krasnoyarsk",
            "Asia/Irkutsk",
            "Asia/Yakutsk",
            "Asia/Vladivostok",
            "Asia/Magadan",
            "Asia/Kamchatka",
        ],
    ),
    (
        "US",
        &[
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Phoenix",
            "America/Los_Angeles",
            "America/Anchorage",
            "Pacific/Honolulu",
        ],
    ),
];

/// Why the customer's zone could not be worked out; each says what is accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneError {
    UnknownZone {
        name: String,
        suggestion: Option<&'static str>,
    },
    UnknownCountry {
        code: String,
    },
    AmbiguousCountry {
        code: String,
        zones: &'static [&'static str],
    },
}

impl ZoneError {
    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            ZoneError::UnknownZone { .. } => "time_zone",
            ZoneError::UnknownCountry { .. } | ZoneError::AmbiguousCountry { .. } => "country",
        }
    }
}

impl std::fmt::Display for ZoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ZoneError::UnknownZone { name, suggestion } => {
                write!(
                    f,
                    "`{name}` is not a time zone; use an IANA name such as Europe/London, America/New_York or Australia/Sydney"
                )?;
                if let Some(suggestion) = suggestion {
                    write!(f, " (did you mean {suggestion}?)")?;
                }
                Ok(())
            }
            ZoneError::UnknownCountry { code } => write!(
                f,
                "`{code}` is not a country this planner knows; give the customer's time zone instead (time_zone: an IANA name such as Asia/Tokyo), or one of these two-letter codes: {}",
                known_country_codes().join(", ")
            ),
            ZoneError::AmbiguousCountry { code, zones } => write!(
                f,
                "{code} has several time zones, so the country alone does not say when it is 9am there; give time_zone, such as {}",
                zones.join(", ")
            ),
        }
    }
}

impl std::error::Error for ZoneError {}

/// The customer's zone from an IANA name (which wins when both are given) or a country code.
/// Neither given means a UK customer.
pub fn resolve_zone(time_zone: Option<&str>, country: Option<&str>) -> Result<Tz, ZoneError> {
    let time_zone = time_zone.map(str::trim).filter(|name| !name.is_empty());
    let country = country.map(str::trim).filter(|code| !code.is_empty());
    if let Some(name) = time_zone {
        return name.parse::<Tz>().map_err(|_| ZoneError::UnknownZone {
            name: name.to_string(),
            suggestion: suggest_zone(name),
        });
    }
    let Some(code) = country else {
        return Ok(UK_ZONE);
    };
    let upper = code.to_ascii_uppercase();
    if let Some((_, zone)) = SINGLE_ZONE_COUNTRIES.iter().find(|(c, _)| *c == upper) {
        return zone.parse::<Tz>().map_err(|_| ZoneError::UnknownCountry {
            code: code.to_string(),
        });
    }
    if let Some((_, zones)) = MULTI_ZONE_COUNTRIES.iter().find(|(c, _)| *c == upper) {
        return Err(ZoneError::AmbiguousCountry { code: upper, zones });
    }
    Err(ZoneError::UnknownCountry {
        code: code.to_string(),
    })
}

/// True for zones that keep UK time.
pub fn is_uk(zone: Tz) -> bool {
    UK_ZONES.contains(&zone.name())
}

/// The zone the name most likely meant: the same ignoring case, spaces and underscores, or
/// else the closest name within 2 edits.
fn suggest_zone(name: &str) -> Option<&'static str> {
    let plain = |s: &str| -> Vec<char> {
        s.trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let wanted = plain(name);
    chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| (tz.name(), edit_distance(&plain(tz.name()), &wanted)))
        .filter(|(_, distance)| *distance <= 2)
        .min_by_key(|(_, distance)| *distance)
        .map(|(candidate, _)| candidate)
}

/// Levenshtein distance between two short names.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

fn known_country_codes() -> Vec<&'static str> {
    let mut codes: Vec<&str> = SINGLE_ZONE_COUNTRIES.iter().map(|(c, _)| *c).collect();
    codes.extend(MULTI_ZONE_COUNTRIES.iter().map(|(c, _)| *c));
    codes.sort_unstable();
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_zone_exists() {
        for (code, zone) in SINGLE_ZONE_COUNTRIES {
            assert!(zone.parse::<Tz>().is_ok(), "{code}: {zone}");
        }
        for (code, zones) in MULTI_ZONE_COUNTRIES {
            for zone in zones {
                assert!(zone.parse::<Tz>().is_ok(), "{code}: {zone}");
            }
        }
    }

    #[test]
    fn zone_wins_then_country_then_uk() {
        assert_eq!(
            resolve_zone(Some("America/New_York"), Some("US")),
            Ok(chrono_tz::America::New_York)
        );
        assert_eq!(resolve_zone(None, Some("fr")), Ok(chrono_tz::Europe::Paris));
        assert_eq!(resolve_zone(None, None), Ok(UK_ZONE));
        assert!(is_uk(resolve_zone(None, Some("UK")).unwrap()));
        assert!(!is_uk(chrono_tz::Europe::Dublin));
    }

    #[test]
    fn bad_zones_and_countries_say_what_is_accepted() {
        let err = resolve_zone(Some("america/new york"), None).unwrap_err();
        assert!(
            err.to_string().contains("did you mean America/New_York?"),
            "{err}"
        );
        let err = resolve_zone(None, Some("US")).unwrap_err();
        assert!(err.to_string().contains("America/Chicago"), "{err}");
        let err = resolve_zone(None, Some("XX")).unwrap_err();
        assert!(err.to_string().contains("FR"), "{err}");
        assert_eq!(err.field(), "country");
    }
}
