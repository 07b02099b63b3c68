//! The intermediate representation between lowering and emission: plain owned data, no
//! `openapiv3` types and no tokens, so lowering can be tested with `assert_eq!` on values.
//!
//! `lower` produces one [`Operation`] per allowlisted tool plus a [`TypeSpace`]; the allowlist
//! phase turns operations into [`Tool`]s; `emit` and `schema` read the finished [`Api`].

use std::collections::BTreeSet;

use serde_json::Value;

/// Everything one generated module holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The Alter provider id (`google`, `slack`).
    pub provider: String,
    pub response: ResponseRule,
    /// In allowlist order.
    pub tools: Vec<Tool>,
    pub types: TypeSpace,
    /// The OAuth scopes the module needs: the allowlist's `scopes`, else every tool's.
    pub scopes: Vec<String>,
    /// Worth knowing but not failing for (see [`crate::Generated::warnings`]).
    pub warnings: Vec<crate::diagnostic::Diagnostic>,
}

/// How the provider reports failure (mirrors the runtime's `ResponseRule`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseRule {
    HttpStatus,
    OkField {
        ok_field: String,
        error_field: String,
    },
}

/// HTTP methods (mirrors the runtime's `Method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }

    /// The lower-case key of this method in an OpenAPI path item.
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    pub fn parse(text: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(text))
    }
}

/// An operation of the document, as the allowlist can name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRef {
    pub operation_id: Option<String>,
    pub method: Method,
    pub path: String,
    /// JSON pointer of the operation object.
    pub pointer: String,
}

impl OperationRef {
    /// The operation's id, or `GET /path` when the document gives none.
    pub fn display_id(&self) -> String {
        match &self.operation_id {
            Some(id) => id.clone(),
            None => format!("{} {}", self.method.as_str(), self.path),
        }
    }
}

/// What the document says about an operation for someone choosing among them (`alter-mcp-gen
/// operations`): read for every operation, unlike [`Operation`], which is lowered only when
/// selected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationFacts {
    pub operation: OperationRef,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<String>,
    pub deprecated: bool,
}

/// One allowlisted operation, lowered: what the document says, before allowlist overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The tool this operation is lowered for (names inline types: `ListEventsOrderBy`).
    pub tool_name: String,
    /// The Rust name of the tool's input struct, unique in the module.
    pub input_type: String,
    pub operation: OperationRef,
    /// Absolute URL template: server URL + path template.
    pub url: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    /// Path, query and header parameters, path-item parameters merged in; credentials removed.
    pub params: Vec<Param>,
    pub body: Option<Body>,
    /// The documented success response; `None` when there is no `2xx` or `default` one.
    pub response: Option<Response>,
    /// Parameters and form fields the model never sees, and why (see `lower/credentials.rs`).
    pub omitted: Vec<Omitted>,
    /// The OAuth scopes of the operation's (else the document's) security requirements: one
    /// entry per alternative, each the scopes needed together.
    pub security: Vec<Vec<String>>,
    /// The document marks the operation `deprecated` (a build warning, not an error).
    pub deprecated: bool,
}

/// A value of the operation that is not a tool input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Omitted {
    /// The wire name.
    pub name: String,
    pub reason: OmitReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OmitReason {
    /// A credential: Alter injects it.
    Credential,
    /// A transport parameter the runtime controls (`Accept`, Google's `alt`).
    Transport,
    /// An optional input the allowlist leaves out (`params.X.omit`).
    Allowlist,
    /// A path parameter the path template has no place for: nowhere to send it.
    Unused,
}

impl OmitReason {
    pub fn as_str(self) -> &'static str {
        match self {
            OmitReason::Credential => "credential",
            OmitReason::Transport => "transport",
            OmitReason::Allowlist => "allowlist",
            OmitReason::Unused => "unused",
        }
    }
}

/// The success response an operation documents: its lowest `2xx` code, else `2XX`, else
/// `default`. The allowlist phase turns it into the tool's [`Output`].
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    /// The status key as written: `200`, `2XX` or `default`.
    pub status: String,
    /// JSON pointer of the response object, after following `$ref`s.
    pub pointer: String,
    /// The JSON body lowered as output types (lenient: nothing required, further properties
    /// kept, enums as plain values); `None` without a JSON body schema.
    pub output: Option<Schema>,
    /// The response documents a `Link` header (RFC 8288): the operation may page by it.
    pub link_header: bool,
}

/// What a tool returns as structured content.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The tool's output struct (`<Tool>Output`): the response's root object, projected by
    /// the allowlist's `returns`, or a wrapper around a root that is not an object.
    pub type_id: TypeId,
    /// `Some("items")` (an array) or `Some("value")` (anything else that is not an object):
    /// the provider's answer is read as `{key: answer}`.
    pub wrap: Option<&'static str>,
    /// How to get the next page, when the operation pages by a token in the answer.
    pub pagination: Option<Pagination>,
    /// How to get the next page, when the operation pages by `Link` header instead.
    pub link_paging: Option<LinkPaging>,
}

/// Paging by `Link: <…>; rel="next"`: the output has a `field` (`next_page`) holding the next
/// link's query values that are the tool's inputs, under the names the model sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkPaging {
    pub field: String,
    pub params: Vec<PageParam>,
}

/// A query input a next link may set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageParam {
    /// The query parameter's name (`per_page`).
    pub wire: String,
    /// The input's name, as the model sees it.
    pub input: String,
    pub kind: PageKind,
}

/// The JSON type a [`PageParam`]'s value is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    String,
    Integer,
    Number,
    Boolean,
}

/// A paged operation: a response token and the input that takes it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The token's path in the output (`nextPageToken`, `response_metadata.next_cursor`).
    pub token: String,
    /// The input (as the model sees it) that takes the token (`pageToken`, `cursor`).
    pub input: String,
}

/// What lowering produces: one operation per allowlisted tool, in allowlist order.
#[derive(Debug, Clone, PartialEq)]
pub struct Lowered {
    pub operations: Vec<Operation>,
    pub types: TypeSpace,
    /// What lowering handled but the author should know (an http server made https).
    pub warnings: Vec<crate::diagnostic::Diagnostic>,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamIn {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// The wire name.
    pub name: String,
    pub location: ParamIn,
    pub required: bool,
    /// Its description is the parameter's, else its schema's.
    pub schema: Schema,
    pub pointer: String,
    /// How a query value holding an array or object is written (`Form` elsewhere).
    pub style: Style,
    /// A path value that may contain `/` (`x-alter-reserved`, from `{+name}`).
    pub reserved: bool,
    /// Sent as JSON text (`content: {application/json: ...}` instead of `schema`).
    pub json: bool,
}

/// How a query parameter or form field holding an array or object is written (OpenAPI
/// `style` with `explode`; mirrors the runtime's `Style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Style {
    /// `form`, explode (the default): repeated keys.
    #[default]
    Form,
    /// `form`, no explode: comma-joined.
    FormJoined,
    SpaceDelimited,
    PipeDelimited,
    /// `name[key]=value`.
    DeepObject,
}

/// How a request body goes on the wire (the first three mirror the runtime's `BodyEncoding`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BodyEncoding {
    #[default]
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`: text fields, and [`Kind::File`] fields as file parts.
    Multipart,
    /// One value is the whole body, sent as its bytes with this `Content-Type`: a string as its
    /// UTF-8 text (`text/plain`, XML, `message/rfc822`), [`Kind::Bytes`] as the decoded bytes.
    Raw(String),
}

impl BodyEncoding {
    /// Alter's proxy carries JSON bodies only (protocol §4).
    pub fn proxy_can_carry(&self) -> bool {
        *self == BodyEncoding::Json
    }
}

/// A request body: `application/json`, or a form (urlencoded or multipart) of fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// An object: its top-level properties become input fields next to the parameters.
    Fields {
        properties: Vec<Property>,
        pointer: String,
        encoding: BodyEncoding,
        /// Form fields not written as repeated keys (`encoding.<name>.style`/`explode`).
        styles: Vec<(String, Style)>,
    },
    /// Anything else: one input field `body`. For a form (`encoding` not JSON) it is a
    /// free-form object (`additionalProperties` only) whose entries are the form's fields;
    /// for [`BodyEncoding::Raw`] a string or [`Kind::Bytes`].
    Whole {
        schema: Schema,
        required: bool,
        pointer: String,
        encoding: BodyEncoding,
        /// The document names several media types for a raw body, or a wildcard (`*/*`,
        /// `image/*`): the model may name the one it sends (an input `content_type`, sent as
        /// the `Content-Type`); this describes it. `None`: the encoding's type is sent.
        content_type: Option<ContentTypeChoice>,
    },
}

/// What a raw body's `content_type` input offers (see [`Body::Whole`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentTypeChoice {
    /// The media types the document lists, wildcards included, in document order.
    pub listed: Vec<String>,
}

/// A lowered schema: a type plus what the tool's JSON Schema says about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub kind: Kind,
    pub description: Option<String>,
    pub format: Option<String>,
    /// The document's `default` (informational: the provider applies it).
    pub default: Option<Value>,
    /// Further JSON Schema keywords kept as they are (`minimum`, `maxLength`, a non-string
    /// `enum`), in a fixed order.
    pub keywords: Vec<(String, Value)>,
    /// The document allows `null` here (`nullable: true`, or a `oneOf` with a null branch).
    pub nullable: bool,
}

impl Schema {
    pub fn of(kind: Kind) -> Self {
        Schema {
            kind,
            description: None,
            format: None,
            default: None,
            keywords: Vec::new(),
            nullable: false,
        }
    }
}

/// The Rust shape of a schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    String,
    Integer(IntWidth),
    Number,
    Boolean,
    Array(Box<Schema>),
    /// `additionalProperties`: a JSON object with values of one type.
    Map(Box<Schema>),
    /// A schema Rust cannot type soundly (an ambiguous `oneOf`, no `type`): any JSON value,
    /// with the original schema (references inlined) kept for the tool's JSON Schema.
    Json(Value),
    /// A struct or enum in the [`TypeSpace`].
    Named(TypeId),
    /// Bytes, given by the model as base64 text (`contentEncoding: base64`): a raw binary
    /// body (`application/octet-stream`, `image/png`, `*/*`).
    Bytes,
    /// A file part of a multipart body: its bytes (base64), file name and media type, each
    /// the model's (`{content, filename?, content_type?}`); `content_type` is the part's
    /// default media type (the document's `encoding.<field>.contentType`, else
    /// `application/octet-stream`).
    File {
        content_type: Option<String>,
    },
}

impl Kind {
    /// A file part, or an array of them.
    pub fn is_file(&self) -> bool {
        match self {
            Kind::File { .. } => true,
            Kind::Array(items) => items.kind.is_file(),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntWidth {
    I32,
    I64,
}

/// A property of an object schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The wire name.
    pub name: String,
    /// Required and never `null`: a plain (non-`Option`) Rust field.
    pub required: bool,
    /// Required by the document but nullable: an `Option` that is always sent, `None` as
    /// `null` (leaving it out would make the request invalid).
    pub required_nullable: bool,
    pub schema: Schema,
}

/// Index of a type in the [`TypeSpace`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub usize);

/// Named types: component schemas (once each) and synthesized inline types.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TypeSpace {
    pub types: Vec<TypeDef>,
}

impl TypeSpace {
    pub fn get(&self, id: TypeId) -> Option<&TypeDef> {
        self.types.get(id.0)
    }

    /// The named types a type's members mention; with `direct_only`, only those stored inline
    /// (not behind a `Vec` or map), which are the ones that make a recursive type infinite.
    pub fn edges(&self, id: TypeId, direct_only: bool) -> Vec<TypeId> {
        let mut out = Vec::new();
        match self.get(id).map(|def| &def.kind) {
            Some(TypeKind::Struct {
                properties,
                additional,
            }) => {
                for property in properties {
                    mentions(&property.schema, direct_only, &mut out);
                }
                if let (Some(additional), false) = (additional, direct_only) {
                    mentions(additional, false, &mut out);
                }
            }
            // A variant's payload is stored inline, like a struct field.
            Some(TypeKind::Union { variants, .. }) => {
                for variant in variants {
                    mentions(&variant.schema, direct_only, &mut out);
                }
            }
            Some(TypeKind::Enum { .. } | TypeKind::IntEnum { .. }) | None => {}
        }
        out
    }

    /// Whether `to` can be reached from `from` (following [`TypeSpace::edges`]).
    pub fn reaches(&self, from: TypeId, to: TypeId, direct_only: bool) -> bool {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from];
        while let Some(id) = stack.pop() {
            if id == to {
                return true;
            }
            if seen.insert(id) {
                stack.extend(self.edges(id, direct_only));
            }
        }
        false
    }

    /// Every type reachable from `roots`.
    pub fn reachable<'s>(&self, roots: impl IntoIterator<Item = &'s Schema>) -> BTreeSet<TypeId> {
        let mut stack = Vec::new();
        for schema in roots {
            mentions(schema, false, &mut stack);
        }
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            if seen.insert(id) {
                stack.extend(self.edges(id, false));
            }
        }
        seen
    }
}

/// The named types `schema` mentions (see [`TypeSpace::edges`]).
pub fn mentions(schema: &Schema, direct_only: bool, out: &mut Vec<TypeId>) {
    match &schema.kind {
        Kind::Named(id) => out.push(*id),
        Kind::Array(inner) | Kind::Map(inner) if !direct_only => mentions(inner, false, out),
        _ => {}
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust name, unique in the module.
    pub name: String,
    /// JSON pointer of the schema it came from.
    pub pointer: String,
    pub description: Option<String>,
    pub kind: TypeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Struct {
        properties: Vec<Property>,
        /// Typed `additionalProperties` next to named properties.
        additional: Option<Box<Schema>>,
    },
    /// A string enum: the wire values, in document order.
    Enum { values: Vec<String> },
    /// An integer enum: the wire values, in document order, (de)serialized as integers.
    IntEnum { values: Vec<i64> },
    /// A `oneOf`/`anyOf` that serde can decode without ever picking the wrong branch.
    Union {
        /// `Some(property)`: a `discriminator`, so an internally tagged enum whose payloads
        /// are structs without that property; `None`: untagged, the branches having distinct
        /// JSON types.
        tag: Option<String>,
        /// The document's keyword (`anyOf` rather than `oneOf`), kept in the JSON Schema.
        any_of: bool,
        variants: Vec<Variant>,
    },
}

/// One branch of a [`TypeKind::Union`].
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// What names the Rust variant: the tag value, or the branch's JSON type / type name.
    pub label: String,
    /// The discriminator value of a tagged union.
    pub tag_value: Option<String>,
    pub schema: Schema,
}

/// One generated tool: an operation with the allowlist applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    pub name: String,
    pub title: String,
    pub description: String,
    /// The operationId, or `GET /path`.
    pub operation_id: String,
    pub method: Method,
    pub url: String,
    pub input_type: String,
    /// Path, query, header and body values in document order.
    pub inputs: Vec<Input>,
    /// How the body's fields are sent (after the allowlist's `body_encoding`).
    pub body_encoding: BodyEncoding,
    pub annotations: Annotations,
    /// What the operation has that is not an input (credentials, transport parameters).
    pub omitted: Vec<Omitted>,
    /// The operation's success response.
    #[allow(dead_code, reason = "read by checks of the document's response")]
    pub response: Option<Response>,
    /// The structured output, when the success response has a JSON body schema.
    pub output: Option<Output>,
    /// The OAuth scopes the tool needs (see `scopes.rs`).
    pub scopes: Vec<String>,
    /// JSON pointer of the operation object (for warnings).
    pub pointer: String,
    /// The document marks the operation `deprecated`.
    pub deprecated: bool,
    /// The scope alternatives the document lists (see [`Operation::security`]).
    pub security: Vec<Vec<String>>,
    /// The JSON Schemas `tools/list` gives, written once by `tool_schema::write` after the
    /// allowlist is applied (empty before).
    pub schemas: Schemas,
}

/// A tool's input and output JSON Schemas, as compact JSON text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schemas {
    pub input: String,
    /// `None` when the tool answers text only.
    pub output: Option<String>,
    /// How the output schema was made to fit the size budget, when it had to be.
    pub reduced: Option<Reduced>,
}

/// An output schema over the size budget, and what was left out of it to fit (`tool_schema/reduce.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reduced {
    /// The size of the whole schema, in bytes, when it was measured (not for `--all`, nor
    /// past 16 budgets).
    pub full: Option<usize>,
    pub rule: Reduction,
}

/// The steps of the reduction, each including the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    /// Descriptions below the top-level fields are left out.
    NestedDescriptions,
    /// Also, objects at this level (top-level fields' values are level 1) and deeper are open
    /// objects (`{"type":"object"}`).
    Depth(usize),
    /// Every description left out and every object below the root open.
    Bare,
    /// The root itself an open object: the document's root has too many fields to list.
    Open,
}

/// MCP tool annotations (the title is kept apart, as the tool's `title`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Annotations {
    /// `readOnlyHint`: changes nothing (default for `GET`, `HEAD`, `OPTIONS`).
    pub read_only: bool,
    /// `destructiveHint`: may delete or overwrite (default for `DELETE`).
    pub destructive: bool,
    /// `idempotentHint`: repeating the call has no further effect.
    pub idempotent: bool,
    /// `openWorldHint`: reaches an outside system (default `true`).
    pub open_world: bool,
}

/// Where an input value goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A path segment; `reserved` keeps `/` (see [`Param::reserved`]).
    Path {
        reserved: bool,
    },
    Query(Style),
    Header,
    /// A top-level property of an object body (the style matters to form bodies only).
    BodyField(Style),
    /// The whole body.
    Body,
    /// The media type of a raw body (see [`ContentTypeChoice`]).
    ContentType,
}

/// One value the request carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub wire_name: String,
    pub target: Target,
    pub schema: Schema,
    pub value: InputValue,
    /// A parameter sent as JSON text (see [`Param::json`]).
    pub json: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InputValue {
    /// A field of the input struct, filled by the model.
    Model {
        /// The name the model sees.
        name: String,
        /// Required and without a default.
        required: bool,
        /// Sent when the model leaves the field out.
        default: Option<Value>,
    },
    /// Always sent as this literal; the model never sees it.
    Fixed(Value),
}
