//! Phone numbers as the APIs take them: E.164, the form Twilio and the
//! documents write (`+16501231234`).

/// Whether `phone` is in E.164: `+`, then 2 to 15 digits, the first not 0.
pub fn is_e164(phone: &str) -> bool {
    let Some(digits) = phone.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_e164() {
        for good in ["+16501231234", "+33123456789", "+12"] {
            assert!(is_e164(good), "{good}");
        }
        for bad in [
            "16501231234",
            "+0650",
            "+1",
            "+1 650 123",
            "+1234567890123456",
            "+1-650",
            "",
            "+",
        ] {
            assert!(!is_e164(bad), "{bad}");
        }
    }
}
