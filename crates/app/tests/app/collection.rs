//! Enrolment, payments, receipts and voids on both backends: amounts cross-checked against the
//! rules engine, numbering under concurrency, idempotent requests, paid-through dates against a
//! recomputation from the receipts after random sequences of payments and voids.

use super::*;
use ansinh_app::Clock;
use ansinh_app::collection::{
    DueFilter, HiEnrolment, NewBook, PaymentItem, PaymentRequest, SourceInput, Standing, VsiEnrolment,
};
use ansinh_app::rules::vsi::{self, PaymentMode, VsiInput};
use ansinh_app::rules::{Month, ParamSet, Vnd};

/// 20 Nov 2026: before the poverty line rises on 1 Jan 2027.
fn nov_2026() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

/// Demo places and accounts, the clock on `day`, the collector and the commune officer.
async fn collecting(day: NaiveDate) -> Vec<(App, &'static str, testing::TestDb, Actor, Actor)> {
    let mut out = Vec::new();
    for (mut app, l, t) in apps().await {
        app.set_clock(Clock::on(day));
        app.seed_demo().await.unwrap();
        let collector = app.login("thu.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let officer = app.login("xa.maihoa", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        out.push((app, l, t, collector, officer));
    }
    out
}

fn rid(n: impl std::fmt::Display) -> String {
    format!("req-{n:0>8}")
}

fn vsi_item(participation_id: i64) -> PaymentItem {
    PaymentItem::Vsi { participation_id, months: None, sources: vec![] }
}

async fn enrol(app: &App, collector: &Actor, person_id: i64, income: i64, months: u32) -> i64 {
    let e = VsiEnrolment { person_id, income, mode_months: months, ..Default::default() };
    app.enrol_vsi(collector, &e).await.unwrap().id
}

async fn paid_through(app: &App, actor: &Actor, person_id: i64) -> Option<NaiveDate> {
    let cover = app.person_cover(actor, person_id).await.unwrap();
    cover.items[0].participation.paid_through
}

#[tokio::test]
async fn vsi_payment_priced_on_its_date_numbered_verified_voided() {
    for (app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let p = app
            .create_person(
                &officer,
                &person("042080001001", "Nguyễn Văn An", "1980", "Nam", "18322-01", "AN-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let part = enrol(&app, &collector, p.id, 1_500_000, 12).await;
        // Due now, from this month.
        let cover = app.person_cover(&collector, p.id).await.unwrap();
        assert!(
            matches!(cover.items[0].standing, Standing::Due { .. }),
            "{l}: {:?}",
            cover.items[0].standing
        );
        let next = cover.items[0].next.clone().unwrap();
        assert_eq!((next.from, next.amount), (Month::new(2026, 11).unwrap(), 3_168_000), "{l}");

        let req = PaymentRequest { request_id: rid(1), items: vec![vsi_item(part)] };
        let out = app.record_payment(&collector, &req).await.unwrap();
        assert!(!out.replayed);
        let r = &out.receipts[0];
        // DOMAIN.md §12: 12 months from 11/2026 at 1,500,000 ₫, paid in November, priced by
        // November's parameters for every month: 12 × (330,000 − 66,000).
        let q = vsi::quote(
            ParamSet::bundled_ref(),
            &VsiInput {
                mode: PaymentMode::Every12,
                ..VsiInput::new(Month::new(2026, 11).unwrap(), Vnd(1_500_000))
            }
            .paid_on(nov_2026()),
        )
        .unwrap();
        assert_eq!(r.amount, q.payable.0, "{l}");
        assert_eq!(r.amount, 3_168_000, "{l}");
        assert_eq!((r.series.as_str(), r.number), ("BL26-MH", 1), "{l}");
        assert_eq!(r.content, "Đóng BHXH tự nguyện, phương thức 12 tháng, từ 11/2026 đến 10/2027", "{l}");
        let view = app.receipt_view(&collector, r.id).await.unwrap();
        assert_eq!(view.amount_words, "Ba triệu một trăm sáu mươi tám nghìn đồng", "{l}");
        assert_eq!(view.sources.len(), 1);
        assert_eq!(paid_through(&app, &collector, p.id).await, NaiveDate::from_ymd_opt(2027, 10, 31), "{l}");

        // The same request again pays once; the same id with other items is refused.
        let again = app.record_payment(&collector, &req).await.unwrap();
        assert!(again.replayed, "{l}");
        assert_eq!(again.receipts[0].id, r.id, "{l}");
        let other = PaymentRequest {
            request_id: rid(1),
            items: vec![PaymentItem::Vsi { participation_id: part, months: Some(1), sources: vec![] }],
        };
        let e = app.record_payment(&collector, &other).await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "request_id", "{l}");

        // Anyone can check the code; only the masked name shows.
        let public = app.verify_receipt(&r.code.to_lowercase()).await.unwrap();
        assert!(public.valid);
        assert_eq!((public.masked_name.as_str(), public.amount), ("N. V. An", 3_168_000), "{l}");
        assert!(matches!(app.verify_receipt("ZZZZZZZZZZZZ").await, Err(AppError::NotFound)));

        // A void reverses the paid period and stays on record; the next number is 2.
        assert!(app.void_receipt(&collector, r.id, "x").await.is_err(), "{l}: reason too short");
        let void = app.void_receipt(&collector, r.id, "Ghi nhầm số tiền").await.unwrap();
        assert!(void.voided_at.is_some());
        assert!(!app.verify_receipt(&r.code).await.unwrap().valid, "{l}");
        assert_eq!(paid_through(&app, &collector, p.id).await, None, "{l}");
        let e = app.void_receipt(&collector, r.id, "Lần thứ hai").await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "reason", "{l}");
        let second = app
            .record_payment(&collector, &PaymentRequest { request_id: rid(2), items: vec![vsi_item(part)] })
            .await
            .unwrap();
        assert_eq!(second.receipts[0].number, 2, "{l}");

        // Split sources must add up; a fund needs its name.
        let bad = PaymentRequest {
            request_id: rid(3),
            items: vec![PaymentItem::Vsi {
                participation_id: part,
                months: Some(1),
                sources: vec![SourceInput {
                    source: "fund".into(),
                    name: String::new(),
                    amount: 100,
                    model_id: None,
                }],
            }],
        };
        let e = app.record_payment(&collector, &bad).await.unwrap_err();
        assert!(e.first_invalid().is_some_and(|i| i.field == "sources"), "{l}: {e:?}");

        // The commune officer cannot collect; nothing was written by the refused requests.
        let e = app
            .record_payment(&officer, &PaymentRequest { request_id: rid(4), items: vec![vsi_item(part)] })
            .await;
        assert!(matches!(e, Err(AppError::Forbidden)), "{l}: {e:?}");
        let day = app.collector_day(&collector, None).await.unwrap();
        assert_eq!((day.receipts.len(), day.voided, day.total), (2, 1, 3_168_000), "{l}");
    }
}

#[tokio::test]
async fn vsi_suspension_after_a_missed_deadline_and_reregistration() {
    for (mut app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let p = app
            .create_person(
                &officer,
                &person("042185001002", "Lê Thị Bình", "1985", "Nữ", "18322-01", "BI-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let part = enrol(&app, &collector, p.id, 1_500_000, 1).await;
        app.record_payment(&collector, &PaymentRequest { request_id: rid(10), items: vec![vsi_item(part)] })
            .await
            .unwrap();
        // Paid through November; in mid-December the December period is due, by 31 Dec.
        app.set_clock(Clock::on(NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()));
        let cover = app.person_cover(&collector, p.id).await.unwrap();
        assert_eq!(
            cover.items[0].standing,
            Standing::Due {
                from: Month::new(2026, 12).unwrap(),
                deadline: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
            },
            "{l}"
        );
        // In February the deadline is missed: suspended since 1 Jan; a new payment covers the
        // current month, priced by the 2027 floor — 1,500,000 ₫ is now below it.
        app.set_clock(Clock::on(NaiveDate::from_ymd_opt(2027, 2, 10).unwrap()));
        let cover = app.person_cover(&collector, p.id).await.unwrap();
        assert_eq!(
            cover.items[0].standing,
            Standing::Suspended { since: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap() },
            "{l}"
        );
        assert!(cover.items[0].next.as_ref().unwrap().problem.is_some(), "{l}");
        let e = app
            .record_payment(&collector, &PaymentRequest { request_id: rid(11), items: vec![vsi_item(part)] })
            .await
            .unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "income", "{l}");
        let t = ansinh_app::collection::VsiTerms {
            income: 2_200_000,
            mode_months: 3,
            reason: "Chuẩn nghèo mới".into(),
        };
        app.change_vsi_terms(&collector, part, &t).await.unwrap();
        let out = app
            .record_payment(&collector, &PaymentRequest { request_id: rid(12), items: vec![vsi_item(part)] })
            .await
            .unwrap();
        assert!(
            out.receipts[0].content.contains("từ 02/2027 đến 04/2027"),
            "{l}: {}",
            out.receipts[0].content
        );
        let cover = app.person_cover(&collector, p.id).await.unwrap();
        assert_eq!(cover.items[0].terms.len(), 2, "{l}");
    }
}

#[tokio::test]
async fn household_hi_leaves_out_other_groups_prices_by_ordinal_and_renews_continuously() {
    for (mut app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let head = app
            .create_person(
                &officer,
                &person("042080001010", "Trần Văn Cường", "15/03/1980", "Nam", "18322-02", "CU-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let wife = app
            .create_person(
                &officer,
                &person("042182001011", "Hồ Thị Dung", "1982", "Nữ", "18322-02", "CU-1", "Vợ"),
            )
            .await
            .unwrap();
        let child = app
            .create_person(
                &officer,
                &person("042222001012", "Trần Minh Khang", "01/01/2022", "Nam", "18322-02", "CU-1", "Con"),
            )
            .await
            .unwrap();
        let hh = head.household_id.unwrap();
        let (_, candidates) = app.hi_candidates(&collector, hh).await.unwrap();
        let kid = candidates.iter().find(|c| c.person.id == child.id).unwrap();
        assert!(kid.excluded.as_ref().is_some_and(|w| w.vi.contains("dưới 6 tuổi")), "{l}: {kid:?}");
        let e = app
            .enrol_hi_household(
                &collector,
                &HiEnrolment { household_id: hh, person_ids: vec![head.id, child.id] },
            )
            .await
            .unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "person_ids", "{l}");
        app.enrol_hi_household(
            &collector,
            &HiEnrolment { household_id: hh, person_ids: vec![head.id, wife.id] },
        )
        .await
        .unwrap();
        let item =
            PaymentItem::HiHousehold { household_id: hh, months: 12, payer_person_id: None, sources: vec![] };
        let out = app
            .record_payment(&collector, &PaymentRequest { request_id: rid(20), items: vec![item.clone()] })
            .await
            .unwrap();
        let r = &out.receipts[0];
        // Base salary 2,530,000 from 1 Jul 2026: 4.5% = 113,850; the 2nd member 70% = 79,695.
        assert_eq!(r.amount, (113_850 + 79_695) * 12, "{l}");
        assert_eq!(r.payer_person_id, head.id, "{l}");
        let view = app.receipt_view(&collector, r.id).await.unwrap();
        assert_eq!(view.lines.len(), 2);
        assert_eq!(view.lines[0].line.person_id, head.id, "{l}: the head is the first member");
        // First card: valid 30 days after payment, for 12 months.
        let from = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        assert!(view.lines.iter().all(|x| x.line.covers_from == from), "{l}");
        assert_eq!(view.lines[0].line.covers_to, NaiveDate::from_ymd_opt(2027, 12, 19).unwrap(), "{l}");
        // Renewal before the card ends follows on from it.
        app.set_clock(Clock::on(NaiveDate::from_ymd_opt(2027, 12, 1).unwrap()));
        let out = app
            .record_payment(&collector, &PaymentRequest { request_id: rid(21), items: vec![item] })
            .await
            .unwrap();
        let view = app.receipt_view(&collector, out.receipts[0].id).await.unwrap();
        assert_eq!(view.lines[0].line.covers_from, NaiveDate::from_ymd_opt(2027, 12, 20).unwrap(), "{l}");
        // The renewal list no longer shows them within 30 days.
        let due = app.due_list(&collector, 30, None).await.unwrap();
        assert!(!due.iter().any(|d| d.row.person_id == head.id), "{l}");
    }
}

#[tokio::test]
async fn books_are_issued_by_the_office_without_overlaps_to_collectors_only() {
    for (app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let province = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let book = |first, last, who: &str| NewBook {
            collector: who.into(),
            kind: "paper".into(),
            series: "BL26-MH".into(),
            book_no: "01".into(),
            first_no: first,
            last_no: last,
            unit_code: "18322".into(),
        };
        let e = app.issue_book(&province, &book(4_990, 6_000, "thu.maihoa")).await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "first_no", "{l}: overlaps the demo series");
        let e = app.issue_book(&province, &book(6_001, 6_050, "xa.maihoa")).await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "collector", "{l}");
        assert!(matches!(
            app.issue_book(&officer, &book(6_001, 6_050, "thu.maihoa")).await,
            Err(AppError::Forbidden)
        ));
        let b = app.issue_book(&province, &book(6_001, 6_050, "thu.maihoa")).await.unwrap();
        assert_eq!(b.remaining(), 50);
        assert_eq!(app.my_books(&collector).await.unwrap().len(), 2, "{l}");
    }
}

#[tokio::test]
async fn receipt_numbers_never_repeat_and_a_request_pays_once_under_concurrency() {
    for (app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let mut parts = Vec::new();
        for i in 0..24 {
            let cccd = format!("0420900{:05}", 2000 + i);
            let p = app
                .create_person(
                    &officer,
                    &person(&cccd, "Phan Văn Số", "1990", "Nam", "18322-03", &format!("SO-{i}"), "Chủ hộ"),
                )
                .await
                .unwrap();
            parts.push(enrol(&app, &collector, p.id, 1_500_000, 1).await);
        }
        // 6 tasks × 4 payments each, and 4 tasks sending one same request.
        let mut tasks = Vec::new();
        for (t, chunk) in parts.chunks(4).enumerate() {
            let (app, collector, chunk) = (app.clone(), collector.clone(), chunk.to_vec());
            tasks.push(tokio::spawn(async move {
                let mut numbers = Vec::new();
                for (k, part) in chunk.into_iter().enumerate() {
                    let req =
                        PaymentRequest { request_id: rid(format!("c{t}-{k}")), items: vec![vsi_item(part)] };
                    loop {
                        match app.record_payment(&collector, &req).await {
                            Ok(o) => {
                                numbers.push(o.receipts[0].number);
                                break;
                            }
                            Err(AppError::Busy) => continue,
                            Err(e) => panic!("{e:?}"),
                        }
                    }
                }
                numbers
            }));
        }
        let same = PaymentRequest { request_id: rid("same-one"), items: vec![vsi_item(parts[0])] };
        let mut twins = Vec::new();
        for _ in 0..4 {
            let (app, collector, same) = (app.clone(), collector.clone(), same.clone());
            twins.push(tokio::spawn(async move { app.record_payment(&collector, &same).await }));
        }
        let mut numbers: Vec<i64> = Vec::new();
        for t in tasks {
            numbers.extend(t.await.unwrap());
        }
        let mut twin_ids = Vec::new();
        for t in twins {
            match t.await.unwrap() {
                Ok(o) => twin_ids.push(o.receipts[0].id),
                Err(AppError::Busy) => {}
                Err(e) => panic!("{l}: {e:?}"),
            }
        }
        twin_ids.dedup();
        assert_eq!(twin_ids.len(), 1, "{l}: one request, one receipt: {twin_ids:?}");
        let day = app.collector_day(&collector, None).await.unwrap();
        assert_eq!(day.receipts.len(), 25, "{l}");
        let mut all: Vec<i64> = day.receipts.iter().map(|r| r.number).collect();
        all.sort();
        assert_eq!(all, (1..=25).collect::<Vec<i64>>(), "{l}: no duplicate, no gap");
        assert_eq!(numbers.len(), 24);
    }
}

/// A small deterministic generator (the sequence is the same on every run and backend).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[tokio::test]
async fn paid_through_after_any_sequence_of_payments_and_voids_equals_a_recomputation() {
    for (app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let p = app
            .create_person(
                &officer,
                &person("042080001020", "Đặng Văn Dũng", "1980", "Nam", "18322-04", "DU-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let part = enrol(&app, &collector, p.id, 1_500_000, 1).await;
        let mut rng = Lcg(42);
        let mut issued: Vec<i64> = Vec::new();
        for step in 0..40 {
            if issued.is_empty() || rng.next(3) > 0 {
                let months = [1, 3, 6, 12][rng.next(4) as usize];
                let req = PaymentRequest {
                    request_id: rid(format!("p{step}")),
                    items: vec![PaymentItem::Vsi {
                        participation_id: part,
                        months: Some(months),
                        sources: vec![],
                    }],
                };
                match app.record_payment(&collector, &req).await {
                    Ok(o) => issued.push(o.receipts[0].id),
                    // Far ahead, the deadline logic or the 2027 floor may refuse: fine, nothing written.
                    Err(AppError::Invalid(_)) => {}
                    Err(e) => panic!("{l}: {e:?}"),
                }
            } else {
                let id = issued[rng.next(issued.len() as u64) as usize];
                let _ = app.void_receipt(&collector, id, "Huỷ để kiểm tra").await;
            }
            // Recompute from the receipts: the last day covered by a valid one.
            let cover = app.person_cover(&collector, p.id).await.unwrap();
            let mut expected: Option<NaiveDate> = None;
            for r in cover.receipts.iter().filter(|r| r.voided_at.is_none()) {
                let v = app.receipt_view(&collector, r.id).await.unwrap();
                for x in v.lines {
                    expected = expected.max(Some(x.line.covers_to));
                }
            }
            assert_eq!(cover.items[0].participation.paid_through, expected, "{l}: step {step}");
        }
        assert!(issued.len() > 5, "{l}: the walk made payments");
    }
}

#[tokio::test]
async fn a_citizen_sees_only_their_own_cover_when_both_values_match() {
    for (app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let p = app
            .create_person(
                &officer,
                &person("042080001030", "Hồ Văn Tài", "12/03/1980", "Nam", "18322-01", "TA-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let part = enrol(&app, &collector, p.id, 1_500_000, 12).await;
        app.record_payment(&collector, &PaymentRequest { request_id: rid(40), items: vec![vsi_item(part)] })
            .await
            .unwrap();
        let c = app.citizen_cover("042080001030", "12/03/1980", "10.0.0.1").await.unwrap();
        assert_eq!(c.masked_name, "H. V. Tài", "{l}");
        assert_eq!(c.schemes[0].status, "active", "{l}");
        assert_eq!(c.schemes[0].paid_through, NaiveDate::from_ymd_opt(2027, 10, 31), "{l}");
        assert_eq!(c.receipts.len(), 1);
        // A wrong birth date and an unknown id answer with the same words.
        let wrong = app.citizen_cover("042080001030", "13/03/1980", "10.0.0.2").await.unwrap_err();
        let unknown = app.citizen_cover("042080009999", "12/03/1980", "10.0.0.2").await.unwrap_err();
        assert_eq!(wrong.to_string(), unknown.to_string(), "{l}");
        // Guessing birth dates from one address is cut off.
        let mut locked = false;
        for day in 1..=10 {
            if let Err(AppError::Locked { .. }) =
                app.citizen_cover("042080001030", &format!("{day:02}/01/1980"), "10.0.0.3").await
            {
                locked = true;
                break;
            }
        }
        assert!(locked, "{l}: lookups are throttled");
        assert!(matches!(
            app.citizen_cover("042080001030", "12/03/1980", "10.0.0.3").await,
            Err(AppError::Locked { .. })
        ));
    }
}

#[tokio::test]
async fn a_closed_day_is_remitted_confirmed_or_flagged_and_then_fixed() {
    for (app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let office = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let mut receipts = Vec::new();
        for (i, cccd) in ["042080001041", "042080001042"].iter().enumerate() {
            let p = app
                .create_person(
                    &officer,
                    &person(cccd, "Võ Văn Nộp", "1980", "Nam", "18322-01", &format!("NO-{i}"), "Chủ hộ"),
                )
                .await
                .unwrap();
            let part = enrol(&app, &collector, p.id, 1_500_000, 1).await;
            let out = app
                .record_payment(
                    &collector,
                    &PaymentRequest { request_id: rid(format!("r{i}")), items: vec![vsi_item(part)] },
                )
                .await
                .unwrap();
            receipts.push(out.receipts[0].clone());
        }
        let batch = app.close_day(&collector, None).await.unwrap();
        assert_eq!(
            (batch.receipts, batch.total, batch.status.as_str()),
            (2, 2 * 264_000, "submitted"),
            "{l}"
        );
        // Nothing left to close.
        let e = app.close_day(&collector, None).await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "day", "{l}");
        // Remitted: the collector can no longer void; the office can, before confirming.
        let e = app.void_receipt(&collector, receipts[0].id, "Ghi nhầm người").await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "reason", "{l}");
        // A short count needs a note, and is flagged.
        let e = app.review_remittance(&office, batch.id, 500_000, "").await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "note", "{l}");
        assert!(matches!(
            app.review_remittance(&collector, batch.id, 528_000, "").await,
            Err(AppError::Forbidden)
        ));
        let flagged = app.review_remittance(&office, batch.id, 500_000, "Thiếu 28.000 ₫").await.unwrap();
        assert_eq!(flagged.status, "flagged", "{l}");
        assert!(app.review_remittance(&office, batch.id, 528_000, "").await.is_err(), "{l}: reviewed once");
        // The office voids the wrong receipt while the batch is not confirmed.
        app.void_receipt(&office, receipts[1].id, "Thu trùng").await.unwrap();
        // A new day's batch is confirmed; its receipts are then beyond any void.
        let p = app
            .create_person(
                &officer,
                &person("042080001043", "Võ Văn Ba", "1980", "Nam", "18322-01", "NO-3", "Chủ hộ"),
            )
            .await
            .unwrap();
        let part = enrol(&app, &collector, p.id, 1_500_000, 1).await;
        let r = app
            .record_payment(
                &collector,
                &PaymentRequest { request_id: rid("r3"), items: vec![vsi_item(part)] },
            )
            .await
            .unwrap();
        let second = app.close_day(&collector, None).await.unwrap();
        let ok = app.review_remittance(&office, second.id, 264_000, "").await.unwrap();
        assert_eq!(ok.status, "confirmed", "{l}");
        let e = app.void_receipt(&office, r.receipts[0].id, "Quá muộn").await.unwrap_err();
        assert_eq!(e.first_invalid().unwrap().field, "reason", "{l}");
        let view = app.remittance_view(&office, second.id).await.unwrap();
        assert_eq!(view.receipts.len(), 1, "{l}");
        assert_eq!(app.remittances(&collector).await.unwrap().len(), 2, "{l}");
    }
}

#[tokio::test]
async fn lists_of_the_other_schemes_import_like_persons_and_leave_people_out_of_household_hi() {
    use ansinh_app::import::ImportMode;
    for (app, l, _t, _collector, officer) in collecting(nov_2026()).await {
        let office = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        let worker = app
            .create_person(
                &officer,
                &person("042080001050", "Phạm Văn Công", "1980", "Nam", "18322-01", "CN-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let csv = "Số CCCD,Chế độ,Nhóm đối tượng,Từ ngày,Đến ngày\n\
                   042080001050,BHXH bắt buộc,Công ty May Hà Tĩnh,01/03/2024,\n\
                   042080001050,BHYT,employer,01/03/2024,31/12/2026\n\
                   042080009999,BHTN,,01/01/2025,\n";
        // One unknown person: all-or-nothing writes nothing; the error names the row.
        let r = app
            .import_participations(&office, "ds.csv", csv.as_bytes(), ImportMode::AllOrNothing)
            .await
            .unwrap();
        assert!(!r.written, "{l}");
        assert_eq!((r.rows, r.bad_rows()), (3, 1), "{l}");
        assert_eq!(r.errors[0].row, 4, "{l}");
        assert!(app.person_cover(&office, worker.id).await.unwrap().items.is_empty(), "{l}");
        // Valid rows only: two written, the bad one comes back as a file.
        let r = app
            .import_participations(&office, "ds.csv", csv.as_bytes(), ImportMode::ValidRowsOnly)
            .await
            .unwrap();
        assert_eq!((r.created, r.written), (2, true), "{l}");
        assert!(r.rejected_xlsx.as_ref().is_some_and(|x| x.starts_with(b"PK")), "{l}");
        // The same file again changes nothing.
        let r = app
            .import_participations(&office, "ds.csv", csv.as_bytes(), ImportMode::ValidRowsOnly)
            .await
            .unwrap();
        assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 2), "{l}");
        // A new period ends the open record and keeps it.
        let next = "cccd,scheme,group,from,to\n042080001050,hi,employer,01/01/2027,31/12/2027\n";
        let r = app
            .import_participations(&office, "ds2.csv", next.as_bytes(), ImportMode::AllOrNothing)
            .await
            .unwrap();
        assert_eq!(r.created, 1, "{l}");
        let cover = app.person_cover(&office, worker.id).await.unwrap();
        assert_eq!(cover.items.len(), 3, "{l}: the history keeps the ended record");
        // The old HI record runs to the day before the new one; the new one waits for its start.
        assert!(
            cover.items.iter().any(|i| i.participation.ended_on == NaiveDate::from_ymd_opt(2026, 12, 31)),
            "{l}"
        );
        assert!(cover.items.iter().any(|i| matches!(i.standing, Standing::Waiting { .. })), "{l}");
        // Covered by the employer: not in the household group.
        let (_, candidates) = app.hi_candidates(&office, worker.household_id.unwrap()).await.unwrap();
        assert!(
            candidates[0].excluded.as_ref().is_some_and(|w| w.vi.starts_with("Đã có thẻ BHYT")),
            "{l}: {:?}",
            candidates[0]
        );
        // Only the SI office imports lists.
        assert!(matches!(
            app.import_participations(&officer, "ds.csv", csv.as_bytes(), ImportMode::DryRun).await,
            Err(AppError::Forbidden)
        ));
    }
}

#[tokio::test]
async fn forms_of_a_month_add_up_to_the_collectors_remittances() {
    use ansinh_reports::FormCell;
    for (app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let head = app
            .create_person(
                &officer,
                &person("042080001060", "Lê Văn Mẫu", "1980", "Nam", "18322-01", "MA-1", "Chủ hộ"),
            )
            .await
            .unwrap();
        let wife = app
            .create_person(
                &officer,
                &person("042182001061", "Hồ Thị Mẫu", "1982", "Nữ", "18322-01", "MA-1", "Vợ"),
            )
            .await
            .unwrap();
        let hh = head.household_id.unwrap();
        app.enrol_hi_household(
            &collector,
            &HiEnrolment { household_id: hh, person_ids: vec![head.id, wife.id] },
        )
        .await
        .unwrap();
        let part = enrol(&app, &collector, head.id, 1_500_000, 3).await;
        let fund = vec![
            SourceInput {
                source: "fund".into(),
                name: "Quỹ Cây mai".into(),
                amount: 100_000,
                model_id: None,
            },
            SourceInput { source: "person".into(), name: String::new(), amount: 692_000, model_id: None },
        ];
        let items = vec![
            PaymentItem::Vsi { participation_id: part, months: None, sources: fund },
            PaymentItem::HiHousehold { household_id: hh, months: 6, payer_person_id: None, sources: vec![] },
        ];
        app.record_payment(&collector, &PaymentRequest { request_id: rid(60), items }).await.unwrap();
        let batch = app.close_day(&collector, None).await.unwrap();
        let month = Month::new(2026, 11).unwrap();
        let total_of = |s: &ansinh_reports::FormSheet, header: &str| -> i64 {
            let i = s.headers.iter().position(|h| h == header).unwrap();
            match &s.total[i] {
                FormCell::Number(n) => *n,
                other => panic!("{other:?}"),
            }
        };
        let d05 = app.export_form(&collector, "d05-ts", None, month).await.unwrap();
        let d03 = app.export_form(&collector, "d03-ts", None, month).await.unwrap();
        assert_eq!(d05.rows.len(), 1, "{l}");
        assert_eq!(d03.rows.len(), 2, "{l}: one row per member");
        let vsi = total_of(&d05, "Người tham gia đóng") + total_of(&d05, "Hỗ trợ khác (số tiền)");
        assert_eq!(vsi, 3 * 264_000, "{l}");
        assert_eq!(total_of(&d05, "Hỗ trợ khác (số tiền)"), 100_000, "{l}");
        assert_eq!(
            vsi + total_of(&d03, "Số tiền phải đóng"),
            batch.total,
            "{l}: the forms add up to the remittance"
        );
        // The state's share is 20% of 22% × the poverty line.
        let pct = d05.headers.iter().position(|h| h == "NSNN hỗ trợ (%)").unwrap();
        assert_eq!(d05.rows[0][pct], FormCell::Text("20%".into()), "{l}");
        let xlsx = ansinh_reports::write_form_xlsx(&d05, "d05-ts").unwrap();
        assert!(xlsx.starts_with(b"PK"));
        // The office may export a named collector's month; a commune officer may not.
        let office = app.login("tinh.hatinh", ansinh_app::DEMO_PASSWORD).await.unwrap().0;
        assert_eq!(
            app.export_form(&office, "d03-ts", Some("thu.maihoa"), month).await.unwrap().rows.len(),
            2,
            "{l}"
        );
        assert!(matches!(
            app.export_form(&officer, "d03-ts", Some("thu.maihoa"), month).await,
            Err(AppError::Forbidden)
        ));
        assert!(app.export_form(&collector, "d99", None, month).await.is_err());
    }
}

#[tokio::test]
async fn reminders_are_queued_once_handed_over_and_closed_by_the_payment_that_follows() {
    use ansinh_app::collection::{PrintList, ReminderChannel, SmsCsv};
    for (app, l, _t, collector, officer) in collecting(nov_2026()).await {
        let mut parts = Vec::new();
        for (i, (cccd, phone)) in [("042080001070", "0912345670"), ("042080001071", "")].iter().enumerate() {
            let mut input =
                person(cccd, "Ngô Văn Nhắc", "1980", "Nam", "18322-04", &format!("NH-{i}"), "Chủ hộ");
            input.phone = (*phone).into();
            let p = app.create_person(&officer, &input).await.unwrap();
            parts.push(enrol(&app, &collector, p.id, 1_500_000, 1).await);
        }
        // Narrowed as the list is: nobody overdue there; the two due soon in their village.
        assert_eq!(
            app.queue_reminders(&collector, 30, Some("18322-04"), DueFilter::Overdue).await.unwrap(),
            0,
            "{l}"
        );
        assert_eq!(
            app.queue_reminders(&collector, 30, Some("18322-04"), DueFilter::Soon).await.unwrap(),
            2,
            "{l}"
        );
        assert_eq!(
            app.queue_reminders(&collector, 30, None, DueFilter::All).await.unwrap(),
            0,
            "{l}: one open reminder each"
        );
        let outbox = app.outbox(&collector).await.unwrap();
        assert!(outbox.reminders[0].message.starts_with("Kính gửi Ngô Văn Nhắc: kỳ đóng BHXH tự nguyện 1 tháng, số tiền 264.000\u{a0}₫, hạn cuối 30/11/2026"), "{l}: {}", outbox.reminders[0].message);
        let sms = SmsCsv.render(&outbox.reminders);
        assert_eq!(
            String::from_utf8_lossy(&sms.bytes).lines().count(),
            2,
            "{l}: the header and the one with a phone"
        );
        assert!(
            String::from_utf8_lossy(&PrintList.render(&outbox.reminders).bytes).contains("2. Kính gửi"),
            "{l}"
        );
        app.record_payment(
            &collector,
            &PaymentRequest { request_id: rid(70), items: vec![vsi_item(parts[0])] },
        )
        .await
        .unwrap();
        let outbox = app.outbox(&collector).await.unwrap();
        assert_eq!((outbox.open, outbox.paid), (1, 1), "{l}: one reminder turned into a payment");
        // The renewal list per village: the reminders sent there and the one a payment followed.
        let view = app.due_view(&collector, 30, None, DueFilter::All).await.unwrap();
        let village = view.places.iter().find(|p| p.code == "18322-04").expect("the village has a line");
        assert_eq!((village.level.as_str(), village.reminded, village.paid), ("village", 2, 1), "{l}");
        let under: Vec<_> = view
            .items
            .iter()
            .filter(|d| d.row.unit_path.contains(&format!("/{}/", village.unit_id)))
            .collect();
        assert_eq!(village.soon + village.overdue, under.len(), "{l}: the line counts the village's rows");
        assert!(under.iter().any(|d| d.row.participation_id == parts[1]), "{l}: the unpaid one is still due");
        // Narrowed to the village: only its people; the parts add up to the whole.
        let narrow = app.due_view(&collector, 30, Some("18322-04"), DueFilter::All).await.unwrap();
        assert_eq!(narrow.items.len(), under.len(), "{l}");
        assert!(!narrow.truncated, "{l}");
        let soon = app.due_view(&collector, 30, None, DueFilter::Soon).await.unwrap().items;
        let overdue = app.due_view(&collector, 30, None, DueFilter::Overdue).await.unwrap().items;
        assert_eq!(soon.len() + overdue.len(), view.items.len(), "{l}");
        assert!(
            overdue
                .iter()
                .all(|d| matches!(d.standing, Standing::Suspended { .. } | Standing::Lapsed { .. })),
            "{l}"
        );
        assert!(
            soon.iter().all(|d| !matches!(d.standing, Standing::Suspended { .. } | Standing::Lapsed { .. })),
            "{l}"
        );
        match app.due_view(&collector, 400, None, DueFilter::All).await {
            Err(AppError::Invalid(f)) => assert_eq!(f[0].field, "days", "{l}"),
            other => panic!("{l}: a list 400 days ahead: {other:?}"),
        }
        match DueFilter::parse("late") {
            Err(AppError::Invalid(f)) => assert_eq!(f[0].field, "status", "{l}"),
            other => panic!("{l}: {other:?}"),
        }
        assert!(matches!(
            app.queue_reminders(&officer, 30, None, DueFilter::All).await,
            Err(AppError::Forbidden)
        ));
    }
}
