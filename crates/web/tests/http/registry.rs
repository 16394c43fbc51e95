//! Person pages, search, scope, the persons and households API, duplicates and merges.

use super::*;

#[tokio::test]
async fn registry_person_pages_search_and_scope() {
    for (r, app, l, _t) in setups().await {
        let (village, group, _) = registry_places(&app).await;
        let mai_hoa = login(&r, "xa.maihoa", "password-123").await;
        let hoanh_son = login(&r, "xa.hoanhson", "password-123").await;

        // The navigation links the registry; the list and the form are there.
        let home = send(&r, get("/", Some(&mai_hoa))).await;
        assert!(home.body.contains("<a href=\"/persons\">Đăng ký dân cư</a>"), "{l}");
        let list = send(&r, get("/persons", Some(&mai_hoa))).await;
        assert_eq!(list.status, StatusCode::OK, "{l}: {}", list.body);
        assert!(list.body.contains("Không có nhân khẩu nào khớp"), "{l}");
        assert_eq!(send(&r, get("/persons/new", Some(&mai_hoa))).await.status, StatusCode::OK, "{l}");
        assert_eq!(send(&r, get("/persons", None)).await.location(), "/login?next=/persons", "{l}");
        let en = send(&r, get("/persons", Some(&format!("{mai_hoa}; ansinh_lang=en")))).await;
        assert!(
            en.body.contains("<h1>Population registry</h1>") && en.body.contains("Working age only"),
            "{l}"
        );

        // A good person: 1990 male → 4th digit 0, then 90.
        let ok = send(
            &r,
            post(
                "/persons/new",
                &person_form("042090000123", "Nguyễn Văn An", "15/03/1990", "male", &village, "HO-001"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "{l}: {}", ok.body);
        let person_url = ok.location();
        assert!(person_url.starts_with("/persons/") && person_url.ends_with("?created=1"), "{l}");
        // The page says it is done and offers the next one; the record is a calm view with
        // «Sửa», its form folded until asked for.
        let created = send(&r, get(&person_url, Some(&mai_hoa))).await.body;
        assert!(created.contains("Đã thêm nhân khẩu vào sổ.") && created.contains("Thêm người khác"), "{l}");
        assert!(
            created.contains("href=\"#edit\"")
                && created.contains("<details class=\"card edit\" id=\"edit\">"),
            "{l}"
        );
        let person_url = person_url.trim_end_matches("?created=1").to_string();

        // Bad CCCD: 11 digits; the form comes back with the values kept and the field named.
        let bad = send(
            &r,
            post(
                "/persons/new",
                &person_form("04209000012", "Trần Thị Bình", "01/01/1995", "female", &village, "HO-002"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Số CCCD «04209000012» có 11 chữ số, cần đúng 12"), "{l}: {}", bad.body);
        assert!(bad.body.contains("value=\"Trần Thị Bình\"") && bad.body.contains("aria-invalid"), "{l}");
        // The summary of what to fix takes the focus (app.js), required fields are marked.
        assert!(bad.body.contains("class=\"error error-summary\" role=\"alert\" tabindex=\"-1\""), "{l}");
        assert!(bad.body.contains("Các ô có dấu * là bắt buộc."), "{l}");
        // A CCCD that says female born in the 1900s for a man born in 2001, and a bad date: both named.
        let bad = send(
            &r,
            post(
                "/persons/new",
                &person_form("042190000124", "Lê Văn Cường", "31/02/2001", "male", &village, "HO-002"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad.body.contains("Ngày sinh «31/02/2001» không tồn tại"), "{l}: {}", bad.body);
        // An empty form: every required field named, in Vietnamese.
        let empty = send(&r, post("/persons/new", "", Some(&mai_hoa))).await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        for msg in ["Số CCCD không được để trống", "Hãy chọn giới tính", "Mã thôn/tổ/xã không được để trống"]
        {
            assert!(empty.body.contains(msg), "{l}: {msg}");
        }
        // The same CCCD again: refused, naming who has it.
        let dup = send(
            &r,
            post(
                "/persons/new",
                &person_form("042090000123", "Nguyễn Văn Ân", "15/03/1990", "male", &village, "HO-009"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(
            dup.body.contains("Số CCCD 042090000123 đã có: Nguyễn Văn An (sinh 1990)"),
            "{l}: {}",
            dup.body
        );
        // Another commune's code: refused as not found in scope.
        let far = send(
            &r,
            post(
                "/persons/new",
                &person_form("042085000125", "Phan Văn Dũng", "1985", "male", "18832", "HO-003"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(far.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(far.body.contains("Không tìm thấy địa bàn «18832» trong phạm vi của bạn"), "{l}");

        // Search without diacritics, the full page and the htmx fragment.
        let found = send(&r, get("/persons?q=nguyen+van+an", Some(&mai_hoa))).await;
        assert!(found.body.contains("Nguyễn Văn An") && found.body.contains("042090000123"), "{l}");
        assert!(found.body.contains("15/03/1990") && found.body.contains("HO-001"), "{l}");
        let mut req = get("/persons/results?q=NGUYEN&working_age=yes", Some(&mai_hoa));
        req.headers_mut().insert("hx-request", "true".parse().unwrap());
        let frag = send(&r, req).await;
        assert!(!frag.body.contains("<html") && frag.body.contains("Nguyễn Văn An"), "{l}: {}", frag.body);
        assert_eq!(
            frag.headers.get("hx-push-url").unwrap(),
            "/persons?q=NGUYEN&working_age=yes",
            "{l}: the address bar follows"
        );
        assert!(
            frag.body.contains("/persons/export.xlsx?q=NGUYEN&#38;working_age=yes"),
            "{l}: {}",
            frag.body
        );
        let none = send(&r, get("/persons?q=tran&age=60%2B", Some(&mai_hoa))).await;
        assert!(none.body.contains("Không có nhân khẩu nào khớp"), "{l}");
        let bad_filter = send(&r, get("/persons?age=abc", Some(&mai_hoa))).await;
        assert_eq!(bad_filter.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(bad_filter.body.contains("Nhóm tuổi"), "{l}");
        // As staff search: a given name alone, the first digits of a CCCD; the filters keep
        // their choice in the form and in the export link.
        let given = send(&r, get("/persons?q=an", Some(&mai_hoa))).await;
        assert!(given.body.contains("Nguyễn Văn An"), "{l}: given name alone");
        let digits = send(&r, get("/persons?q=04209", Some(&mai_hoa))).await;
        assert!(digits.body.contains("042090000123"), "{l}: CCCD prefix");
        let men = send(&r, get("/persons?sex=male&ethnicity=Kinh", Some(&mai_hoa))).await;
        assert!(men.body.contains("Nguyễn Văn An"), "{l}: {}", men.body);
        assert!(men.body.contains("value=\"male\" selected"), "{l}: the choice is kept");
        assert!(men.body.contains("sex=male"), "{l}: the export link keeps it");
        let women = send(&r, get("/persons?sex=female", Some(&mai_hoa))).await;
        assert!(!women.body.contains("Nguyễn Văn An"), "{l}");
        let bad_occ = send(&r, get("/persons?occupation=xyz", Some(&mai_hoa))).await;
        assert_eq!(bad_occ.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let theirs = send(&r, get("/persons?q=nguyen", Some(&hoanh_son))).await;
        assert!(!theirs.body.contains("Nguyễn Văn An"), "{l}: another commune's list");

        // The person's page; out of scope it is "not found", page, edit and household alike.
        let page = send(&r, get(&person_url, Some(&mai_hoa))).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("trong độ tuổi lao động") && page.body.contains("Thôn Thanh Bình"), "{l}");
        let household_url = page
            .body
            .split("href=\"/households/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .map(|id| format!("/households/{id}"))
            .unwrap();
        for uri in [person_url.as_str(), household_url.as_str()] {
            let res = send(&r, get(uri, Some(&hoanh_son))).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}: {uri}");
            assert!(res.body.contains("Không tìm thấy"), "{l}");
        }
        let res = send(
            &r,
            post(
                &person_url,
                &person_form("042090000123", "Nguyễn Văn An", "15/03/1990", "male", &village, "HO-001"),
                Some(&hoanh_son),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");

        // Move him to an inter-family group and another household: the history keeps it.
        let moved = format!(
            "{}&reason={}",
            person_form("042090000123", "Nguyễn Văn An", "15/03/1990", "male", &group, "HO-007"),
            enc("chuyển về ở với con")
        );
        let res = send(&r, post(&person_url, &moved, Some(&mai_hoa))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let page = send(&r, get(&res.location(), Some(&mai_hoa))).await;
        assert!(page.body.contains("Đã lưu thay đổi"), "{l}");
        assert!(
            page.body.contains("chuyển về ở với con") && page.body.contains("Tổ liên gia số 1 · "),
            "{l}: {}",
            page.body
        );
        assert!(page.body.contains("HO-001") && page.body.contains("HO-007"), "{l}");
        // A bad edit comes back with the error and the typed values.
        let res = send(
            &r,
            post(
                &person_url,
                &person_form("042090000123", "", "15/03/1990", "male", &group, "HO-007"),
                Some(&mai_hoa),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("<li>Họ và tên không được để trống</li>"), "{l}: {}", res.body);

        // The commune's page counts its population and links to the list.
        let commune = app.unit_by_code(&Actor::system(), "18322", None).await.unwrap();
        let unit = send(&r, get(&format!("/units/{}", commune.id), Some(&mai_hoa))).await;
        assert!(
            unit.body.contains("Nhân khẩu: 1 · trong độ tuổi lao động: 1")
                && unit.body.contains("/persons?place=18322"),
            "{l}: {}",
            unit.body
        );
        // The group's page lists its residents, linked to their pages.
        let g = app.unit_by_code(&Actor::system(), &group, None).await.unwrap();
        let gp = send(&r, get(&format!("/units/{}", g.id), Some(&mai_hoa))).await;
        assert!(gp.body.contains("Nhân khẩu <span class=\"muted\">(1)</span>"), "{l}: {}", gp.body);
        assert!(gp.body.contains(&format!("href=\"{person_url}\"")), "{l}: {person_url}");
    }
}

#[tokio::test]
async fn registry_api_households_and_duplicates() {
    for (r, app, l, _t) in setups().await {
        let (village, _, _) = registry_places(&app).await;
        let (actor, _) = app.login("xa.maihoa", "password-123").await.unwrap();
        let (_, token) = app.create_token(&actor, "xa.maihoa", "test").await.unwrap();
        let (other, _) = app.login("xa.hoanhson", "password-123").await.unwrap();
        let (_, other_token) = app.create_token(&other, "xa.hoanhson", "test").await.unwrap();

        let body = serde_json::json!({
            "cccd": "042205000301", "full_name": "Thái Văn Minh", "birth_date": "2005-06-01", "sex": "male",
            "unit_code": village, "household_code": "TM-01", "relation": "head", "occupation": "student"
        });
        let res = send(&r, json_send("POST", "/api/v1/persons", &token, body)).await;
        assert_eq!(res.status, StatusCode::CREATED, "{l}: {}", res.body);
        let p = res.json();
        let id = p["id"].as_i64().unwrap();
        assert_eq!(
            (p["birth_date"].as_str(), p["household_code"].as_str()),
            (Some("2005-06-01"), Some("TM-01")),
            "{l}"
        );
        assert_eq!(p["place"]["code"].as_str(), Some(village.as_str()), "{l}");
        assert_eq!(p["working_age"].as_bool(), Some(true), "{l}");
        let hid = p["household_id"].as_i64().unwrap();

        // Several bad fields: all listed.
        let res = send(
            &r,
            json_send(
                "POST",
                "/api/v1/persons",
                &token,
                serde_json::json!({"cccd": "12", "sex": "x", "unit_code": village}),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let e = res.json();
        let fields: Vec<&str> =
            e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
        assert!(
            fields.contains(&"cccd") && fields.contains(&"sex") && fields.contains(&"full_name"),
            "{l}: {e}"
        );
        assert_eq!(e["error"]["field"], "cccd", "{l}");

        let found = send(&r, bearer("/api/v1/persons?q=thai+van", &token)).await.json();
        assert_eq!(found["total"].as_i64(), Some(1), "{l}: {found}");
        assert_eq!(found["items"][0]["full_name"], "Thái Văn Minh", "{l}");
        let none = send(&r, bearer("/api/v1/persons?q=thai+van", &other_token)).await.json();
        assert_eq!(none["total"].as_i64(), Some(0), "{l}");
        let bad = send(&r, bearer("/api/v1/persons?age=x", &token)).await;
        assert_eq!(bad.json()["error"]["field"], "age", "{l}");

        let got = send(&r, bearer(&format!("/api/v1/persons/{id}"), &token)).await;
        assert_eq!(got.json()["cccd"], "042205000301", "{l}");
        let theirs = send(&r, bearer(&format!("/api/v1/persons/{id}"), &other_token)).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{l}");
        let put = serde_json::json!({
            "cccd": "042205000301", "full_name": "Thái Văn Minh", "birth_date": "01/06/2005", "sex": "Nam",
            "unit_code": village, "household_code": "TM-01", "relation": "head", "phone": "0912345678"
        });
        let res =
            send(&r, json_send("PUT", &format!("/api/v1/persons/{id}"), &other_token, put.clone())).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
        let res = send(&r, json_send("PUT", &format!("/api/v1/persons/{id}"), &token, put)).await;
        assert_eq!(res.status, StatusCode::OK, "{l}: {}", res.body);
        assert_eq!(res.json()["phone"], "0912345678", "{l}");

        // Households: read, record a year's poverty status (audited), out of scope not found.
        let h = send(&r, bearer(&format!("/api/v1/households/{hid}"), &token)).await.json();
        assert_eq!((h["code"].as_str(), h["members"].as_array().unwrap().len()), (Some("TM-01"), 1), "{l}");
        assert_eq!(h["head_person_id"].as_i64(), Some(id), "{l}");
        let poverty = serde_json::json!({"year": 2025, "status": "poor", "decision": "QĐ 15/QĐ-UBND"});
        let res = send(
            &r,
            json_send("POST", &format!("/api/v1/households/{hid}/poverty"), &token, poverty.clone()),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{l}: {}", res.body);
        assert_eq!(res.json()["poverty"][0]["status"], "poor", "{l}");
        let res =
            send(&r, json_send("POST", &format!("/api/v1/households/{hid}/poverty"), &other_token, poverty))
                .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
        let res = send(
            &r,
            json_send(
                "POST",
                &format!("/api/v1/households/{hid}/poverty"),
                &token,
                serde_json::json!({"year": 2025, "status": "rich"}),
            ),
        )
        .await;
        assert_eq!(res.json()["error"]["field"], "poverty", "{l}: {}", res.body);
        let s = login(&r, "xa.maihoa", "password-123").await;
        let audit = send(&r, get("/audit?action=household.poverty", Some(&s))).await;
        assert!(audit.body.contains("household.poverty") && audit.body.contains("QĐ 15/QĐ-UBND"), "{l}");

        // The household page: a year's status through the form, a bad year, the flags.
        let res = send(
            &r,
            post(
                &format!("/households/{hid}/poverty"),
                "year=2024&status=near_poor&decision=Q%C4%90+3",
                Some(&s),
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}: {}", res.body);
        let page = send(&r, get(&format!("/households/{hid}"), Some(&s))).await;
        assert!(page.body.contains("Hộ cận nghèo") && page.body.contains("Hộ nghèo"), "{l}");
        assert!(page.body.contains("Thái Văn Minh") && page.body.contains("Chủ hộ"), "{l}");
        let res =
            send(&r, post(&format!("/households/{hid}/poverty"), "year=20x4&status=poor", Some(&s))).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(res.body.contains("Năm «20x4» không hợp lệ"), "{l}");
        let res = send(&r, post(&format!("/households/{hid}/flags"), "island=yes", Some(&s))).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{l}");
        let page = send(&r, get(&format!("/households/{hid}"), Some(&s))).await;
        assert!(page.body.contains("name=\"island\" value=\"yes\" checked"), "{l}");

        // Probable duplicates: same name and birth date in the commune, different CCCDs.
        for cccd in ["042080000401", "042080000402"] {
            let body = serde_json::json!({
                "cccd": cccd, "full_name": "Phan Văn Tư", "birth_date": "1980", "sex": "male", "unit_code": village
            });
            assert_eq!(
                send(&r, json_send("POST", "/api/v1/persons", &token, body)).await.status,
                StatusCode::CREATED,
                "{l}"
            );
        }
        let dups = send(&r, get("/persons/duplicates", Some(&s))).await;
        assert!(
            dups.body.contains("042080000401") && dups.body.contains("042080000402"),
            "{l}: {}",
            dups.body
        );
        let a = app
            .search_persons(
                &actor,
                &ansinh_app::registry::PersonQuery { q: "042080000401".into(), ..Default::default() },
            )
            .await
            .unwrap()
            .items[0]
            .person
            .id;
        let b = app
            .search_persons(
                &actor,
                &ansinh_app::registry::PersonQuery { q: "042080000402".into(), ..Default::default() },
            )
            .await
            .unwrap()
            .items[0]
            .person
            .id;
        let other_s = login(&r, "xa.hoanhson", "password-123").await;
        assert!(
            !send(&r, get("/persons/duplicates", Some(&other_s))).await.body.contains("042080000401"),
            "{l}"
        );
        let res =
            send(&r, post("/persons/duplicates/dismiss", &format!("a={a}&b={b}"), Some(&other_s))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{l}");
        let res = send(&r, post("/persons/duplicates/merge", &format!("keep={a}&drop={b}"), Some(&s))).await;
        assert_eq!(res.location(), "/persons/duplicates?done=merged", "{l}: {}", res.body);
        let dups = send(&r, get("/persons/duplicates?done=merged", Some(&s))).await;
        assert!(dups.body.contains("Đã gộp") && !dups.body.contains("042080000402"), "{l}");
        // The merged record is kept and points at the survivor, on the API and the pages.
        let moved = send(&r, bearer(&format!("/api/v1/persons/{b}"), &token)).await;
        assert_eq!(
            (moved.status, moved.location()),
            (StatusCode::MOVED_PERMANENTLY, format!("/api/v1/persons/{a}")),
            "{l}"
        );
        let page = send(&r, get(&format!("/persons/{b}"), Some(&s))).await;
        assert_eq!(page.location(), format!("/persons/{a}"), "{l}");
        let survivor = send(&r, get(&format!("/persons/{a}"), Some(&s))).await;
        assert!(
            survivor.body.contains("Hồ sơ đã gộp vào người này") && survivor.body.contains("042080000402"),
            "{l}"
        );
        let theirs = send(&r, bearer(&format!("/api/v1/persons/{b}"), &other_token)).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{l}: out of scope stays not found");
    }
}
