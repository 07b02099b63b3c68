//! JSON Schema constructs newer than OpenAPI 3.0's dialect (type arrays, `null`, `const`,
//! tuple `items`), rewritten in place as their OpenAPI 3.0 equivalents. Shared by the OpenAPI
//! 3.1 front end and the Swagger 2.0 one (documents such as Slack's use them there too).
