//! Unit tests of the provider request: path, query, header and body building, and the checks
//! made before anything is sent.

use super::*;

#[test]
fn path_values_cannot_change_the_path() {
    let mut r = ProviderRequest::new(Method::Get, "https://h/c/{id}/events");
    r.path("id", "../x?y#z/ä");
    assert_eq!(r.url(), "https://h/c/..%2Fx%3Fy%23z%2F%C3%A4/events");
    assert!(r.validate().is_ok());
}

#[test]
fn none_values_are_not_sent_and_arrays_repeat() {
    let mut r = ProviderRequest::new(Method::Post, "https://h/x");
    r.query("a", None::<i32>)
        .query("b", vec!["x", "y"])
        .query("c", 10)
        .body_field("d", None::<String>)
        .body_field("e", true);
    assert_eq!(r.query_params().len(), 2);
    assert_eq!(r.json_body(), Some(&serde_json::json!({"e": true})));
}

#[test]
fn reserved_path_values_keep_slashes_but_not_dot_segments() {
    let mut r = ProviderRequest::new(Method::Get, "https://h/v1/{name}:get");
    r.path_reserved("name", "projects/p 1/topics/t?x#y");
    assert_eq!(r.url(), "https://h/v1/projects/p%201/topics/t%3Fx%23y:get");
    assert!(r.validate().is_ok());
    for bad in ["projects/../secrets", "..", "a/./b"] {
        let mut r = ProviderRequest::new(Method::Get, "https://h/v1/{name}");
        r.path_reserved("name", bad);
        assert!(r.validate().unwrap_err().contains("`..`"), "{bad}");
    }
}

#[test]
fn bodies_encode_as_their_encoding_says() {
    let mut r = ProviderRequest::new(Method::Post, "https://h/x");
    assert_eq!(r.encode_body("b"), Ok(None));
    r.body_field("text", "hi there").body_field("n", 2);
    let json = r.encode_body("b").unwrap().unwrap();
    assert_eq!(
        (json.content_type.as_str(), json.bytes.as_slice()),
        (
            "application/json",
            br#"{"n":2,"text":"hi there"}"#.as_slice()
        )
    );
    r.encoding(BodyEncoding::Form)
        .body_field_style("ids", ["a", "b"], Style::PipeDelimited);
    let form = r.encode_body("b").unwrap().unwrap();
    assert_eq!(form.content_type, "application/x-www-form-urlencoded");
    assert_eq!(form.bytes, b"ids=a%7Cb&n=2&text=hi+there");
    r.encoding(BodyEncoding::Multipart);
    let multipart = r.encode_body("B0").unwrap().unwrap();
    assert_eq!(multipart.content_type, "multipart/form-data; boundary=B0");
    assert!(multipart.bytes.ends_with(b"\r\n\r\nhi there\r\n--B0--\r\n"));
    let mut whole = ProviderRequest::new(Method::Post, "https://h/x");
    whole.encoding(BodyEncoding::Form).body(["not", "fields"]);
    assert!(whole.encode_body("b").is_err());
}

#[test]
fn raw_bodies_and_files_are_bytes_with_their_media_type() {
    let mut r = ProviderRequest::new(Method::Post, "https://h/x");
    assert_eq!(r.non_json_body(), None);
    r.body_bytes(Base64::new(vec![0, 255]), "application/octet-stream")
        .content_type(Some("image/png".to_owned()));
    assert_eq!(r.raw_body(), Some(("image/png", [0u8, 255].as_slice())));
    assert_eq!(r.non_json_body(), Some(("image/png".to_owned(), true)));
    let encoded = r.encode_body("b").unwrap().unwrap();
    assert_eq!(
        (encoded.content_type.as_str(), encoded.bytes.as_slice()),
        ("image/png", [0u8, 255].as_slice())
    );
    // Debug (logs, approval fingerprints) shows a size and digest, never the bytes.
    let shown = format!("{r:?}");
    assert!(
        shown.contains("bytes application/octet-stream (2 bytes, sha256 "),
        "{shown}"
    );
    assert!(r.validate().is_ok());
    let mut bad = ProviderRequest::new(Method::Post, "https://h/x");
    bad.body_text("x".to_owned(), "text/plain")
        .content_type(Some("text/*".to_owned()));
    assert!(bad.validate().unwrap_err().starts_with("`content_type`:"));
    let mut form = ProviderRequest::new(Method::Post, "https://h/x");
    form.encoding(BodyEncoding::Form).body_field("a", 1);
    assert_eq!(
        form.non_json_body(),
        Some(("application/x-www-form-urlencoded".to_owned(), false))
    );
    let mut files = ProviderRequest::new(Method::Post, "https://h/x");
    files.body_file("f", None::<FilePart>, "image/png");
    assert_eq!(files.encode_body("b"), Ok(None));
    files.body_file("f", vec![FilePart::new(b"a".to_vec())], "image/png");
    assert_eq!(
        files.non_json_body(),
        Some(("multipart/form-data".to_owned(), true))
    );
    assert_eq!(files.file_parts()[0].1.filename.as_deref(), Some("f"));
    assert_eq!(
        files.file_parts()[0].1.content_type.as_deref(),
        Some("image/png")
    );
}

#[test]
fn json_parameters_are_sent_as_json_text() {
    let mut r = ProviderRequest::new(Method::Get, "https://h/f/{filter}");
    r.query_json("filter", serde_json::json!({"a": 1, "b": [true]}))
        .query_json("name", "abc")
        .query_json("absent", None::<i32>)
        .header_json("X-Filter", serde_json::json!({"n": "x y"}))
        .path_json("filter", serde_json::json!({"k": "a/b"}));
    assert_eq!(
        r.query_params(),
        [
            (
                "filter".to_owned(),
                Value::String(r#"{"a":1,"b":[true]}"#.into())
            ),
            ("name".to_owned(), Value::String(r#""abc""#.into())),
        ]
    );
    assert_eq!(
        r.headers(),
        [("X-Filter".to_owned(), r#"{"n":"x y"}"#.to_owned())]
    );
    assert_eq!(r.url(), "https://h/f/%7B%22k%22%3A%22a%2Fb%22%7D");
    assert!(r.validate().is_ok());
}

#[test]
fn a_whole_object_body_is_a_form_of_its_entries() {
    // A free-form form body (`additionalProperties` only) is set whole; its entries
    // are the fields, in both encodings.
    let mut r = ProviderRequest::new(Method::Post, "https://h/x");
    r.encoding(BodyEncoding::Form)
        .body(serde_json::json!({"b": "x y", "a": 1, "n": null, "o": {"k": true}}));
    let form = r.encode_body("b").unwrap().unwrap();
    assert_eq!(form.bytes, b"a=1&b=x+y&o=%7B%22k%22%3Atrue%7D");
    r.encoding(BodyEncoding::Multipart);
    let multipart = String::from_utf8(r.encode_body("B").unwrap().unwrap().bytes).unwrap();
    assert!(
        multipart.starts_with("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n")
    );
    assert!(!multipart.contains("name=\"n\""), "{multipart}");
}

#[test]
fn dot_values_and_control_characters_are_refused_naming_the_field() {
    for value in [".", ".."] {
        let mut r = ProviderRequest::new(Method::Get, "https://h/c/{id}/events");
        r.path("id", value);
        let error = r.validate().unwrap_err();
        assert!(
            error.starts_with("`id`:") && error.contains("`..`"),
            "{error}"
        );
    }
    let mut fine = ProviderRequest::new(Method::Get, "https://h/c/{id}");
    fine.path("id", "...").header("X-Tab", "a\tb");
    assert_eq!(fine.url(), "https://h/c/...");
    assert!(fine.validate().is_ok());
    for value in ["a\r\nX-Injected: 1", "a\nb", "nul\0", "del\u{7f}"] {
        let mut r = ProviderRequest::new(Method::Get, "https://h/x");
        r.header("X-Request-Tag", value);
        let error = r.validate().unwrap_err();
        assert!(error.starts_with("`X-Request-Tag`:"), "{error}");
        assert!(error.contains("CR, LF"), "{error}");
        assert!(r.headers().is_empty(), "nothing kept: {value:?}");
    }
}

#[test]
fn the_request_stays_on_the_template_origin() {
    let ok = ProviderRequest::new(Method::Get, "https://h.example:8443/v1/x?fixed=1");
    assert!(ok.validate().is_ok());
    // Reserved expansion keeps `/`, but a value cannot climb out or reach another host.
    for bad in ["//evil.example/x", "a/%2e%2E/b", "a/.%2e"] {
        let mut r = ProviderRequest::new(Method::Get, "https://h.example/v1/{name}");
        r.path_reserved("name", bad);
        assert!(r.url().starts_with("https://h.example/v1/"), "{}", r.url());
        // `%` is encoded, so `%2e` arrives as the text `%252e`, never as a dot segment.
        assert!(!r.url().contains("/evil.example") || r.url().contains("v1///"));
        assert!(r.validate().is_ok(), "{bad}: {}", r.url());
    }
    let mut templated = ProviderRequest::new(Method::Get, "https://{host}/x");
    templated.path("host", "evil.example");
    assert!(templated.validate().unwrap_err().contains("stay on"));
    let mut moved = ProviderRequest::new(Method::Get, "https://h.example/{a}");
    moved.url = "https://evil.example/x".to_owned();
    assert!(moved.validate().unwrap_err().contains("https://h.example"));
    moved.url = "https://h.example/a/../b".to_owned();
    assert!(moved.validate().unwrap_err().contains("`..`"));
    moved.url = "https://h.example/a/%2E%2e/b".to_owned();
    assert!(moved.validate().is_err());
    moved.url = "https://h.example/a#frag".to_owned();
    assert!(moved.validate().is_err());
    assert_eq!(
        origin_of("https://H.example:443/x"),
        Some("https://h.example".into())
    );
    assert_eq!(origin_of("ftp://h/x"), None);
    assert_eq!(origin_of("https://u@h/x"), None);
}

#[test]
fn unfilled_placeholder_is_an_error() {
    let r = ProviderRequest::new(Method::Get, "https://h/c/{calendarId}/events");
    assert_eq!(
        r.validate().unwrap_err(),
        "path parameter {calendarId} was not filled in"
    );
}
