//! Amounts in Vietnamese words, as receipts print them.

use super::*;

#[test]
fn amounts_in_words_read_as_a_receipt_prints_them() {
    let cases: &[(i64, &str)] = &[
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (25, "Hai mươi lăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (1_000, "Một nghìn đồng"),
        (12_000, "Mười hai nghìn đồng"),
        (264_000, "Hai trăm sáu mươi bốn nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (2_010_000, "Hai triệu không trăm mười nghìn đồng"),
        (3_168_000, "Ba triệu một trăm sáu mươi tám nghìn đồng"),
        (1_000_000, "Một triệu đồng"),
        (1_366_200, "Một triệu ba trăm sáu mươi sáu nghìn hai trăm đồng"),
        (1_000_000_001, "Một tỷ không trăm linh một đồng"),
        (50_600_000_000, "Năm mươi tỷ sáu trăm triệu đồng"),
        (-1_000, "Âm một nghìn đồng"),
    ];
    for (n, words) in cases {
        assert_eq!(Vnd(*n).words_vi(), *words, "{n}");
    }
}
