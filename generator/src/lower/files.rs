//! Files in multipart bodies: a field the document describes as bytes (`format: binary`, a
//! Swagger 2.0 `type: file`, or a part whose `encoding.contentType` is not text) becomes a
//! [`Kind::File`] input: `{content (base64), filename?, content_type?}`, sent as a file part.
//! `format: byte` stays text: the document says the value is base64 characters.

use openapiv3::MediaType;

use super::media;
use crate::ir::{Kind, Property, Schema};

/// The part name of files a multipart body's schema does not name (an array of files).
pub(super) const UNNAMED: &str = "file";

/// Turns the file fields of a multipart body into [`Kind::File`] inputs.
pub(super) fn file_fields(media: &MediaType, properties: &mut [Property]) {
    for property in properties {
        let declared = media
            .encoding
            .get(&property.name)
            .and_then(|e| e.content_type.as_deref());
        let forced = declared.is_some_and(|t| !media::is_text_part(t));
        if let Some(file) = as_file(&property.schema, declared, forced) {
            property.schema = file;
        }
    }
}

/// The file field of a multipart body that is files without a name (an array of files, or
/// one file): parts named [`UNNAMED`].
pub(super) fn unnamed(lowered: Schema, required: bool) -> Property {
    // Whatever the items say (Jira's are a `MultipartFile` object), they are files.
    let schema = match &lowered.kind {
        Kind::Array(_) => Schema {
            kind: Kind::Array(Box::new(file_of(&Schema::of(Kind::String), None))),
            ..file_of(&lowered, None)
        },
        _ => file_of(&lowered, None),
    };
    Property {
        name: UNNAMED.to_owned(),
        required,
        required_nullable: false,
        schema,
    }
}

/// The values of a free-form multipart body, when they are files.
pub(super) fn map_values(map: &mut Schema) {
    if let Kind::Map(values) = &mut map.kind
        && let Some(file) = as_file(values, None, false)
    {
        **values = file;
    }
}

/// `schema` as a file input, if it describes bytes; `forced`: the part's declared type is not
/// text, so a string (or an array of them) is bytes whatever its format.
fn as_file(schema: &Schema, declared: Option<&str>, forced: bool) -> Option<Schema> {
    let binary = schema.format.as_deref() == Some("binary");
    match &schema.kind {
        Kind::String | Kind::Bytes if binary || forced => Some(file_of(schema, declared)),
        Kind::File { .. } => Some(schema.clone()),
        Kind::Array(items) => {
            // NestJS writes `{type: array, format: binary}` without items for several files.
            let item = as_file(items, declared, forced || binary)?;
            Some(Schema {
                kind: Kind::Array(Box::new(item)),
                format: None,
                keywords: Vec::new(),
                default: None,
                ..schema.clone()
            })
        }
        Kind::Json(_) if forced => Some(file_of(schema, declared)),
        _ => None,
    }
}

/// A file input keeping `schema`'s description; the part's default type is the declared one
/// when it names one concrete type (`image/png`, not `image/*` or a list).
fn file_of(schema: &Schema, declared: Option<&str>) -> Schema {
    let content_type = declared
        .map(str::trim)
        .filter(|t| !t.contains(',') && !media::is_wildcard(t) && !t.is_empty())
        .map(str::to_owned);
    Schema {
        kind: Kind::File { content_type },
        description: schema.description.clone(),
        format: None,
        default: None,
        keywords: Vec::new(),
        nullable: schema.nullable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary() -> Schema {
        Schema {
            format: Some("binary".to_owned()),
            ..Schema::of(Kind::String)
        }
    }

    #[test]
    fn bytes_become_files_and_text_stays_text() {
        let file = as_file(&binary(), None, false).expect("a file");
        assert_eq!(file.kind, Kind::File { content_type: None });
        let byte = Schema {
            format: Some("byte".to_owned()),
            ..Schema::of(Kind::String)
        };
        assert_eq!(as_file(&byte, None, false), None);
        assert_eq!(as_file(&Schema::of(Kind::String), None, false), None);
        let declared = as_file(&Schema::of(Kind::String), Some("image/png"), true).expect("file");
        assert_eq!(
            declared.kind,
            Kind::File {
                content_type: Some("image/png".to_owned())
            }
        );
        let listed = as_file(&binary(), Some("image/png, image/jpeg"), true).expect("file");
        assert_eq!(listed.kind, Kind::File { content_type: None });
        let nest = Schema {
            format: Some("binary".to_owned()),
            ..Schema::of(Kind::Array(Box::new(Schema::of(Kind::Json(
                serde_json::json!({}),
            )))))
        };
        let Some(Schema {
            kind: Kind::Array(item),
            ..
        }) = as_file(&nest, None, false)
        else {
            panic!("an array of files")
        };
        assert_eq!(item.kind, Kind::File { content_type: None });
    }
}
