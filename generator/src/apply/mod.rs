//! Applies each `[[tool]]`'s settings to its lowered operation: fixed and default values,
//! renames, retypes and descriptions, then the tool's title, description, annotations and
//! scopes (in [`surface`]).
//! Every `params.X` is checked against what the operation really has.

use std::path::Path;

use serde_json::Value;

use crate::allowlist::{Allowlist, BodyEncodingSetting, ParamSettings, ToolEntry};
use crate::describe;
use crate::diagnostic::{Diagnostic, Diagnostics, Location};
use crate::ir::{
    Api, Body, BodyEncoding, Input, InputValue, Lowered, OmitReason, Omitted, Operation, ParamIn,
    ResponseRule, Style, Target, Tool, TypeSpace,
};
use crate::naming;
use values::{fits, retype};

mod body;
mod hidden;
mod output;
mod paging;
mod returns;
mod surface;
mod values;
mod visible;

use body::{body_encoding, content_type_candidate};

/// Turns lowered operations into tools. `lowered.operations` is in allowlist order.
pub fn apply(allowlist: &Allowlist, lowered: Lowered) -> Result<Api, Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let mut tools = Vec::new();
    let Lowered {
        operations,
        mut types,
        mut warnings,
    } = lowered;
    let type_findings = hidden::in_types(&types);
    let shared_max = allowlist.file.param_description_max;
    describe::types(
        &mut types,
        shared_max.unwrap_or(describe::PARAM_DESCRIPTION_MAX),
    );
    let pairs = allowlist.file.tools.iter().zip(&operations);
    for (index, (entry, operation)) in pairs.enumerate() {
        let mut tool = ToolApplier {
            allowlist,
            index,
            entry,
            operation,
            types: &types,
            spec: &allowlist.spec_path,
            out: &mut diagnostics,
            limits: surface::limits(allowlist, entry),
            context: surface::context(allowlist, operation),
        };
        let findings = hidden::in_operation(operation);
        warnings.extend(hidden::operation_warnings(
            &operation.tool_name,
            findings,
            &allowlist.spec_path,
        ));
        let body_encoding = body_encoding(allowlist, entry, operation);
        tool.check_body_encoding();
        let (inputs, left_out) = tool.inputs(&body_encoding);
        let annotations = tool.annotations();
        let (title, description) = (tool.title(), tool.description());
        let scopes = tool.scopes();
        tools.push(Tool {
            name: operation.tool_name.clone(),
            title,
            description,
            operation_id: operation.operation.display_id(),
            method: operation.operation.method,
            url: operation.url.clone(),
            input_type: operation.input_type.clone(),
            inputs,
            body_encoding,
            annotations,
            omitted: [operation.omitted.clone(), left_out].concat(),
            response: operation.response.clone(),
            output: None,
            scopes,
            pointer: operation.operation.pointer.clone(),
            deprecated: operation.deprecated,
            security: operation.security.clone(),
            schemas: crate::ir::Schemas::default(),
        });
    }
    output::outputs(
        allowlist,
        &operations,
        &mut tools,
        &mut types,
        &mut diagnostics,
    );
    let type_warnings = hidden::type_warnings(
        type_findings,
        (&tools, &types),
        &warnings,
        &allowlist.spec_path,
    );
    warnings.extend(type_warnings);
    let response = match &allowlist.file.response {
        Some(table) => ResponseRule::OkField {
            ok_field: table.ok_field.clone(),
            error_field: table.error_field.clone(),
        },
        None => ResponseRule::HttpStatus,
    };
    let scopes = match &allowlist.file.scopes {
        Some(own) => {
            if let Some(problem) = crate::scopes::check_list(own, allowlist.key("scopes")) {
                diagnostics.push(problem);
            }
            own.iter().map(|s| s.trim().to_owned()).collect()
        }
        None => crate::scopes::union(tools.iter().map(|tool: &Tool| &tool.scopes)),
    };
    diagnostics.finish(Api {
        provider: allowlist.file.provider.clone(),
        response,
        tools,
        types,
        scopes,
        warnings,
    })
}

struct ToolApplier<'a> {
    allowlist: &'a Allowlist,
    index: usize,
    entry: &'a ToolEntry,
    operation: &'a Operation,
    types: &'a TypeSpace,
    spec: &'a Path,
    out: &'a mut Diagnostics,
    limits: describe::Limits,
    /// What description templates see; its `parameters` are filled by `inputs`.
    context: describe::Context,
}

/// An input before settings, with the spec node it came from.
pub(super) struct Candidate {
    pub(super) input: Input,
    pub(super) pointer: String,
    /// The allowlist gave the name the model sees (`params.X.name`).
    pub(super) named: bool,
}

impl ToolApplier<'_> {
    fn key(&self, rest: &str) -> Location {
        self.allowlist.key(format!("tool[{}]{rest}", self.index))
    }

    /// The tool's inputs, and the optional ones the allowlist leaves out (`omit = true`).
    fn inputs(&mut self, encoding: &BodyEncoding) -> (Vec<Input>, Vec<Omitted>) {
        let mut candidates = candidates(self.operation, encoding);
        self.describe_candidates(&mut candidates);
        let mut left_out = Vec::new();
        for (name, settings) in &self.entry.params {
            // Parameters come before body fields, so a name both share means the parameter.
            match candidates.iter().position(|c| &c.input.wire_name == name) {
                Some(i) if settings.omit == Some(true) => {
                    if self.can_omit(&candidates[i]) {
                        left_out.push(i);
                    }
                }
                Some(i) => self.apply_settings(&mut candidates[i], settings),
                None => {
                    let diagnostic = self.unknown_param(name, &candidates);
                    self.out.push(diagnostic);
                }
            }
        }
        left_out.sort_unstable();
        let mut omitted = Vec::new();
        for i in left_out.into_iter().rev() {
            let candidate = candidates.remove(i);
            omitted.insert(
                0,
                Omitted {
                    name: candidate.input.wire_name,
                    reason: OmitReason::Allowlist,
                },
            );
        }
        self.resolve_collisions(&mut candidates);
        (candidates.into_iter().map(|c| c.input).collect(), omitted)
    }

    /// Only what the model may leave out can be left out of the tool.
    fn can_omit(&mut self, candidate: &Candidate) -> bool {
        let required = matches!(
            candidate.input.value,
            InputValue::Model { required: true, .. }
        );
        if required {
            let name = &candidate.input.wire_name;
            self.out.push(
                Diagnostic::new(
                    self.key(&format!(".params.{name}.omit")),
                    format!("`{name}` is required, so the tool cannot leave it out"),
                )
                .related(Location::pointer(self.spec, &candidate.pointer))
                .help("give it a `fixed` value instead (hidden from the model, always sent)"),
            );
        }
        !required
    }

    fn unknown_param(&self, name: &str, candidates: &[Candidate]) -> Diagnostic {
        let key = self.key(&format!(".params.{name}"));
        let related = Location::pointer(self.spec, &self.operation.operation.pointer);
        if let Some(omitted) = self.operation.omitted.iter().find(|o| o.name == name) {
            let why = match omitted.reason {
                OmitReason::Credential => "carries credentials, which Alter injects",
                OmitReason::Transport => "is a transport parameter the runtime controls",
                OmitReason::Allowlist => "is left out by the allowlist",
                OmitReason::Unused => "is a path parameter the path does not have",
            };
            return Diagnostic::new(key, format!("`{name}` {why}; it is not an input"))
                .related(related)
                .help(format!("remove `params.{name}`"));
        }
        let mut known: Vec<String> = Vec::new();
        for candidate in candidates {
            let name = format!("`{}`", candidate.input.wire_name);
            if !known.contains(&name) {
                known.push(name);
            }
        }
        let help = if known.is_empty() {
            "this operation has no parameters or body fields; remove the setting".to_owned()
        } else {
            format!("use one of {}", known.join(", "))
        };
        Diagnostic::new(
            key,
            format!(
                "`params.{name}` names no parameter or body field of `{}`",
                self.operation.operation.display_id()
            ),
        )
        .related(related)
        .help(help)
    }

    fn apply_settings(&mut self, candidate: &mut Candidate, settings: &ParamSettings) {
        let key = format!(".params.{}", candidate.input.wire_name);
        let related = Location::pointer(self.spec, &candidate.pointer);
        let input = &mut candidate.input;
        if let Some(ty) = settings.ty
            && !retype(&mut input.schema, ty, self.types)
        {
            self.out.push(
                Diagnostic::new(
                    self.key(&format!("{key}.type")),
                    format!(
                        "`type` retypes scalars only; `{}` is not one",
                        input.wire_name
                    ),
                )
                .related(related.clone())
                .help("remove `type`, or change the document"),
            );
        }
        if let Some(description) = &settings.description {
            input.schema.description = self.param_description(description, input, &key);
        }
        if let Some(value) = &settings.fixed {
            match fits(value, &input.schema, self.types, false) {
                Ok(()) => input.value = InputValue::Fixed(value.clone()),
                Err(expected) => self.mismatch(&key, "fixed", value, &expected, &related),
            }
            return;
        }
        if let InputValue::Model {
            name,
            required,
            default,
        } = &mut input.value
        {
            if let Some(visible) = &settings.name {
                *name = visible.trim().to_owned();
                candidate.named = true;
                if !naming::is_valid_input_name(name) {
                    self.out.push(
                        Diagnostic::new(
                            self.key(&format!("{key}.name")),
                            format!("input name `{name}` does not match ^[a-zA-Z0-9_.-]{{1,64}}$"),
                        )
                        .help("use 1 to 64 ASCII letters, digits, `_`, `.` or `-` (LLM providers reject other property names)"),
                    );
                }
            }
            if let Some(forced) = settings.required {
                *required = forced;
            }
            if let Some(value) = &settings.default {
                match fits(value, &input.schema, self.types, true) {
                    Ok(()) => {
                        *default = Some(value.clone());
                        *required = false;
                    }
                    Err(expected) => self.mismatch(&key, "default", value, &expected, &related),
                }
            }
        }
        self.check_path_value(input, &key, related);
    }

    /// A path parameter made optional (`required = false`) needs a default: without a value
    /// the URL cannot be built.
    fn check_path_value(&mut self, input: &Input, key: &str, related: Location) {
        let InputValue::Model {
            required: false,
            default: None,
            ..
        } = &input.value
        else {
            return;
        };
        if !matches!(input.target, Target::Path { .. }) {
            return;
        }
        self.out.push(
            Diagnostic::new(
                self.key(&format!("{key}.required")),
                format!(
                    "`{}` is a path parameter: without it the URL cannot be built",
                    input.wire_name
                ),
            )
            .related(related)
            .help("remove `required = false`, or give the parameter a `default`"),
        );
    }

    fn mismatch(&mut self, key: &str, what: &str, value: &Value, expected: &str, at: &Location) {
        self.out.push(
            Diagnostic::new(
                self.key(&format!("{key}.{what}")),
                format!("`{what}` is {value}, but the field expects {expected}"),
            )
            .related(at.clone())
            .help(format!("give a `{what}` value of the field's type")),
        );
    }

    /// Derived names are made unique (see [`visible`]); two names the allowlist gives
    /// that collide are reported.
    fn resolve_collisions(&mut self, candidates: &mut [Candidate]) {
        for (first, second) in visible::resolve(candidates) {
            let (first, input) = (&candidates[first].input, &candidates[second].input);
            let InputValue::Model { name, .. } = &input.value else {
                continue;
            };
            let diagnostic = Diagnostic::new(
                self.key(".params"),
                format!(
                    "the model would see two inputs of `{}` called `{name}`: {} and {}",
                    self.operation.tool_name,
                    describe(first),
                    describe(input)
                ),
            )
            .related(Location::pointer(
                self.spec,
                &self.operation.operation.pointer,
            ))
            .help(format!(
                "give `params.{}` or `params.{}` another `name`",
                first.wire_name, input.wire_name
            ));
            self.out.push(diagnostic);
        }
    }
}

/// `the query parameter `channel``, for messages.
pub(super) fn describe(input: &Input) -> String {
    let what = match input.target {
        Target::Path { .. } => "path parameter",
        Target::Query(_) => "query parameter",
        Target::Header => "header parameter",
        Target::BodyField(_) => "body field",
        Target::Body => "request body",
        Target::ContentType => "body's media type",
    };
    format!("the {what} `{}`", input.wire_name)
}

/// Every value the operation can carry, parameters first, in document order. Body fields
/// keep their form style only when the body is sent as a form.
fn candidates(operation: &Operation, encoding: &BodyEncoding) -> Vec<Candidate> {
    let model = |name: &str, required: bool| InputValue::Model {
        name: naming::input_name(name),
        required,
        default: None,
    };
    let mut out: Vec<Candidate> = operation
        .params
        .iter()
        .map(|param| Candidate {
            input: Input {
                wire_name: param.name.clone(),
                target: match param.location {
                    ParamIn::Path => Target::Path {
                        reserved: param.reserved,
                    },
                    ParamIn::Query => Target::Query(param.style),
                    ParamIn::Header => Target::Header,
                },
                schema: param.schema.clone(),
                value: model(&param.name, param.required),
                json: param.json,
            },
            pointer: param.pointer.clone(),
            named: false,
        })
        .collect();
    match &operation.body {
        Some(Body::Fields {
            properties,
            pointer,
            styles,
            ..
        }) => out.extend(properties.iter().map(|property| {
            Candidate {
                input: Input {
                    wire_name: property.name.clone(),
                    target: Target::BodyField(
                        styles
                            .iter()
                            .find(|(name, _)| {
                                name == &property.name && *encoding == BodyEncoding::Form
                            })
                            .map_or(Style::Form, |(_, style)| *style),
                    ),
                    schema: property.schema.clone(),
                    value: model(&property.name, property.required),
                    json: false,
                },
                pointer: crate::diagnostic::child(&format!("{pointer}/properties"), &property.name),
                named: false,
            }
        })),
        Some(Body::Whole {
            schema,
            required,
            pointer,
            content_type,
            ..
        }) => {
            out.push(Candidate {
                input: Input {
                    wire_name: "body".to_owned(),
                    target: Target::Body,
                    schema: schema.clone(),
                    value: model("body", *required),
                    json: false,
                },
                pointer: pointer.clone(),
                named: false,
            });
            if let (Some(choice), BodyEncoding::Raw(sent)) = (content_type, encoding) {
                out.push(content_type_candidate(choice, sent, pointer));
            }
        }
        None => {}
    }
    out
}
