//! Unit tests of the query styles and the form and multipart encoders.

use serde_json::{Value, json};

use super::*;
use crate::request::upload::FilePart;

fn pairs(value: Value, style: Style) -> Vec<(String, Value)> {
    query_pairs("p", value, style)
}

#[test]
fn query_styles_follow_the_openapi_table() {
    let array = json!(["blue", "black", 3]);
    assert_eq!(
        pairs(array.clone(), Style::Form),
        [("p".to_owned(), array.clone())]
    );
    assert_eq!(
        pairs(array.clone(), Style::FormJoined),
        [("p".to_owned(), json!("blue,black,3"))]
    );
    assert_eq!(
        pairs(array.clone(), Style::SpaceDelimited),
        [("p".to_owned(), json!("blue black 3"))]
    );
    assert_eq!(
        pairs(array, Style::PipeDelimited),
        [("p".to_owned(), json!("blue|black|3"))]
    );
    let object = json!({"R": 100, "G": 200});
    assert_eq!(
        pairs(object.clone(), Style::Form),
        [("G".to_owned(), json!(200)), ("R".to_owned(), json!(100))]
    );
    assert_eq!(
        pairs(object.clone(), Style::FormJoined),
        [("p".to_owned(), json!("G,200,R,100"))]
    );
    assert_eq!(
        pairs(
            json!({"a": {"b": 1, "c": null}, "d": [1, 2], "e": "x"}),
            Style::DeepObject
        ),
        [
            ("p[a][b]".to_owned(), json!(1)),
            ("p[d][0]".to_owned(), json!(1)),
            ("p[d][1]".to_owned(), json!(2)),
            ("p[e]".to_owned(), json!("x")),
        ]
    );
    assert_eq!(pairs(json!(null), Style::DeepObject), []);
    // Beyond objects, the bracket convention of the APIs that use deepObject (Stripe).
    assert_eq!(
        pairs(json!(["customer", "invoice"]), Style::DeepObject),
        [
            ("p[0]".to_owned(), json!("customer")),
            ("p[1]".to_owned(), json!("invoice"))
        ]
    );
    assert_eq!(
        pairs(json!([{"price": "x", "quantity": 2}]), Style::DeepObject),
        [
            ("p[0][price]".to_owned(), json!("x")),
            ("p[0][quantity]".to_owned(), json!(2))
        ]
    );
    assert_eq!(
        pairs(json!(5), Style::DeepObject),
        [("p".to_owned(), json!(5))]
    );
    assert_eq!(
        simple_text(json!({"a": 1, "b": "x y"})).as_deref(),
        Some("a,1,b,x y")
    );
    assert_eq!(
        simple_text(json!(["a", 2, true])).as_deref(),
        Some("a,2,true")
    );
    assert_eq!(simple_text(json!("plain")).as_deref(), Some("plain"));
    assert_eq!(simple_text(json!(null)), None);
    assert_eq!(
        pairs(json!(true), Style::PipeDelimited),
        [("p".to_owned(), json!(true))]
    );
}

fn fields(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("test bodies are objects"),
    }
}

#[test]
fn form_bodies_repeat_arrays_and_send_objects_as_json() {
    let body = fields(json!({
        "channel": "C1",
        "text": "a b&c=d é+",
        "ids": [1, 2],
        "tags": ["x", "y"],
        "blocks": [{"type": "section"}],
        "meta": {"k": "v"},
        "filter": {"k": "v"},
        "ok": false,
    }));
    let styles = [
        ("tags".to_owned(), Style::FormJoined),
        ("filter".to_owned(), Style::DeepObject),
    ];
    let encoded = urlencode(&form_pairs(&body, &styles));
    assert_eq!(
        encoded,
        "blocks=%5B%7B%22type%22%3A%22section%22%7D%5D&channel=C1&filter%5Bk%5D=v&ids=1&ids=2\
         &meta=%7B%22k%22%3A%22v%22%7D&ok=false&tags=x%2Cy&text=a+b%26c%3Dd+%C3%A9%2B"
    );
}

#[test]
fn multipart_bodies_have_one_text_part_per_value() {
    let body = fields(json!({"name": "a\"b", "ids": [1, 2], "meta": {"k": 1}, "skip": null}));
    let bytes = multipart(&body, &[], "XyZ").unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "--XyZ\r\nContent-Disposition: form-data; name=\"ids\"\r\n\r\n1\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"ids\"\r\n\r\n2\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{\"k\":1}\r\n\
         --XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\na\"b\r\n\
         --XyZ--\r\n"
    );
    let clash = fields(json!({"text": "before --XyZ after"}));
    assert!(
        multipart(&clash, &[], "XyZ")
            .unwrap_err()
            .contains("boundary")
    );
}

#[test]
fn file_parts_follow_the_text_parts_with_their_exact_bytes() {
    let body = fields(json!({"title": "T"}));
    let bytes: Vec<u8> = (0..=255).collect();
    let mut named = FilePart::new(bytes.clone());
    named.filename = Some("a\"b\r\n.bin".to_owned());
    named.content_type = Some("image/png".to_owned());
    let files = [
        ("file".to_owned(), named),
        ("file".to_owned(), FilePart::new(b"two".to_vec())),
    ];
    let encoded = multipart(&body, &files, "XyZ").unwrap();
    let mut expected = b"--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nT\r\n\
        --XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a%22b%0D%0A.bin\"\r\n\
        Content-Type: image/png\r\n\r\n"
        .to_vec();
    expected.extend_from_slice(&bytes);
    expected.extend_from_slice(
        b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\
          Content-Type: application/octet-stream\r\n\r\ntwo\r\n--XyZ--\r\n",
    );
    assert_eq!(encoded, expected);
    let clash = [("f".to_owned(), FilePart::new(b"x--XyZy".to_vec()))];
    let error = multipart(&body, &clash, "XyZ").unwrap_err();
    assert!(
        error.starts_with("`f`:") && error.contains("boundary"),
        "{error}"
    );
}
