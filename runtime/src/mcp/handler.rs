//! rmcp's requests answered by a [`Server`]: its capabilities (tools, logging, tasks),
//! `tools/list`, `tools/call` (its scope read from the request), `tasks/*` and the log level.

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, GetTaskParams, GetTaskResult,
    Implementation, ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
    Tool, UpdateTaskParams,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::call::scope_of;
use super::server::Server;
use super::task_id::TaskId;
use crate::alter::agent::Agent;
use crate::tool::ToolDef;

impl Server {
    /// A task id of this deployment and caller, naming one of this server's tools.
    fn open_task(
        &self,
        text: &str,
        context: &RequestContext<RoleServer>,
    ) -> Result<(&Agent, &'static ToolDef, TaskId), ErrorData> {
        let (agent, id) = super::tasks::open(self.agent.as_ref(), text, context)?;
        let Some(&index) = self.by_name.get(id.tool.as_str()) else {
            return Err(ErrorData::invalid_params(
                format!(
                    "Failed to retrieve task: it belongs to tool `{}`, which this server does not serve",
                    id.tool
                ),
                None,
            ));
        };
        Ok((agent, self.tools[index].def, id))
    }
}

impl ServerHandler for Server {
    #[allow(deprecated)] // enable_logging: see `set_level`.
    fn get_info(&self) -> ServerConfig {
        // Logging: approval links also go out as log messages (see `notify.rs`).
        // Tasks: a call held for a human approval can answer at once (`tasks.rs`).
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_logging()
                .enable_tasks()
                .build(),
        )
        .with_server_info(Implementation::new(&self.name, &self.version))
        .with_instructions(self.instructions.clone())
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let tools = self.tools.iter().map(|entry| self.listed(entry));
        let tools = tools
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ErrorData::internal_error(e.to_string(), None))?;
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let scope = scope_of(&request, &context);
        let offer_task = super::tasks::offered(&context);
        self.respond(&request.name, request.arguments, scope, offer_task)
            .await
    }

    async fn get_task(
        &self,
        request: GetTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetTaskResult, ErrorData> {
        let (agent, def, id) = self.open_task(&request.task_id, &context)?;
        let work = async { Ok(super::tasks::get(agent, def, &request.task_id, &id).await) };
        self.gate
            .run(&context.ct, work)
            .await
            .map_err(|error| ErrorData::internal_error(error.tool_message(), None))
    }

    /// Acknowledged once the id checks out; nothing on the server waits for a task, and
    /// Alter's approval stays open (see `tasks.rs`).
    async fn cancel_task(
        &self,
        request: CancelTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        let (_, def, id) = self.open_task(&request.task_id, &context)?;
        tracing::info!(tool = def.name, approval = %id.approval_id, "tasks/cancel: the client stops following this approval; it stays open in Alter");
        Ok(())
    }

    /// No task of this server asks for input, so there is never a response to take.
    async fn update_task(
        &self,
        request: UpdateTaskParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.open_task(&request.task_id, &context).map(|_| ())
    }

    // MCP logging is deprecated by SEP-2577; clients of the 2025-11-25 protocol still use it.
    #[allow(deprecated)]
    async fn set_level(
        &self,
        request: rmcp::model::SetLevelRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), ErrorData> {
        self.log_level.set(request.level);
        Ok(())
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let index = *self.by_name.get(name)?;
        self.listed(&self.tools[index]).ok()
    }
}
