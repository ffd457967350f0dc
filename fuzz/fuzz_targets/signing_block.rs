//! Fuzzes the signing parsers directly: the APK Signing Block framing, v2/v3 signer
//! blocks, the PKCS#7 walker, the BER walker and certificate facts.
#![no_main]

use appvd_apk::Certificate;
use appvd_apk::signing::{ber, block, scheme, v1};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    match selector % 5 {
        0 => {
            let _ = block::parse_pairs(rest, 0);
        }
        1 | 2 => {
            let which = if selector % 5 == 1 {
                scheme::Scheme::V2
            } else {
                scheme::Scheme::V3
            };
            let mut anomalies = Vec::new();
            let _ = scheme::parse_scheme_block(which, rest, &mut anomalies);
        }
        3 => {
            let mut anomalies = Vec::new();
            let _ = v1::parse_pkcs7(rest, &mut anomalies);
            let _ = v1::parse_sections(&String::from_utf8_lossy(rest));
        }
        _ => {
            let _ = ber::to_der(rest);
            for tlv in ber::iter(rest).flatten() {
                let _ = tlv.children().count();
            }
            let _ = Certificate::from_der(rest);
        }
    }
});
