-- The Azure commands for Neovim users, whichever way the client was started (setup{}, 0.11's
-- vim.lsp.enable, nvim-lspconfig):
--
--   :AmlCompute create|attach|status|list|start|stop|restart|delete|detach|sizes [NAME]
--
-- runs the server's `aml.<subcommand>` through workspace/executeCommand for the current spec
-- (NAME, when given, names the compute instead of the spec's `name:`). The status code lenses
-- at the top of a spec are shown and kept fresh where the client has code lenses (0.7 has
-- them), and the server's confirmations (window/showMessageRequest) are asked with
-- vim.ui.select, so a picker plugin that replaces it is used too.

local M = {}

M.client_name = "aml_compute_ls"

--- Used before the server has said which commands it runs (docs/commands.md).
M.subcommands = { "create", "attach", "status", "list", "start", "stop", "restart", "delete", "detach", "sizes" }

--- The last command's result, as the server returned it (`{ ok, message, ... }`), or
--- `{ ok = false, message = <error> }` when the request itself failed.
M.last_result = nil

--- How long a confirmation may stay open on Neovim releases whose request handlers must answer
--- synchronously (before 0.11); the built-in vim.ui.select answers at once.
M.confirm_timeout_ms = 10 * 60 * 1000

-- Client methods are called with `.` up to 0.10 and with `:` from 0.11 on.
local method_calls = vim.fn.has("nvim-0.11") == 1

local function client_request(client, method, params, handler, bufnr)
  if method_calls then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function clients_of(bufnr)
  local out = {}
  if vim.lsp.get_clients then
    out = vim.lsp.get_clients({ bufnr = bufnr, name = M.client_name })
  else
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if c.name == M.client_name then
        table.insert(out, c)
      end
    end
  end
  return out
end

--- The server's own subcommand list, from its executeCommandProvider.
local function server_subcommands(client)
  local caps = client and client.server_capabilities
  local provider = caps and caps.executeCommandProvider
  local out = {}
  for _, command in ipairs(provider and provider.commands or {}) do
    local sub = command:match("^aml%.(.+)$")
    if sub then
      table.insert(out, sub)
    end
  end
  return #out > 0 and out or M.subcommands
end

--- Completion for :AmlCompute: the subcommands starting with what is typed.
function M.complete(arg_lead, cmd_line)
  if cmd_line:match("^%s*%S+%s+%S+%s") then
    return {}
  end
  local client = clients_of(vim.api.nvim_get_current_buf())[1]
  local out = {}
  for _, sub in ipairs(server_subcommands(client)) do
    if sub:sub(1, #arg_lead) == arg_lead then
      table.insert(out, sub)
    end
  end
  return out
end

--- Asks the server for fresh code lenses for a buffer (0.7's refresh() takes no buffer).
function M.refresh_lenses(bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return
  end
  if vim.fn.has("nvim-0.10") == 1 then
    pcall(vim.lsp.codelens.refresh, { bufnr = bufnr })
  elseif bufnr == vim.api.nvim_get_current_buf() then
    pcall(vim.lsp.codelens.refresh)
  end
end

--- Runs `aml.<sub>` for the current buffer's spec. `on_done(result)` is called with the
--- server's answer (also kept in M.last_result).
function M.run(sub, name, on_done)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = clients_of(bufnr)[1]
  local function finish(result)
    M.last_result = result
    if on_done then
      on_done(result)
    end
  end
  if client == nil then
    local message = "aml-compute-ls is not attached to this buffer (:AmlComputeLsAttach attaches it)"
    finish({ ok = false, message = message })
    return vim.notify(message, vim.log.levels.ERROR)
  end
  local known = server_subcommands(client)
  if not vim.tbl_contains(known, sub) then
    local message = string.format("unknown subcommand %q; one of: %s", sub or "", table.concat(known, ", "))
    finish({ ok = false, message = message })
    return vim.notify("AmlCompute: " .. message, vim.log.levels.ERROR)
  end
  local args = { uri = vim.uri_from_bufnr(bufnr) }
  if name and name ~= "" then
    args.name = name
  end
  client_request(client, "workspace/executeCommand", { command = "aml." .. sub, arguments = { args } }, function(err, result)
    if err then
      local message = string.format("aml.%s failed: %s", sub, err.message or vim.inspect(err))
      finish({ ok = false, message = message })
      return vim.notify(message, vim.log.levels.ERROR)
    end
    -- The server has already shown its closing message (window/showMessage); the lenses
    -- show the new status on clients that do not take workspace/codeLens/refresh (0.7).
    M.refresh_lenses(bufnr)
    finish(result or { ok = false, message = "no result" })
  end, bufnr)
end

local function user_command(opts)
  local sub, name = opts.args:match("^%s*(%S+)%s*(%S*)")
  M.run(sub, name)
end

--- Defines :AmlCompute (idempotent).
function M.define_command()
  vim.api.nvim_create_user_command("AmlCompute", user_command, {
    nargs = "+",
    complete = M.complete,
    desc = "Azure ML compute for the current spec: create|attach|status|list|start|stop|restart|delete|detach|sizes [NAME]",
  })
end

--- window/showMessageRequest through vim.ui.select, for releases whose built-in handler uses
--- inputlist() (before 0.11). Handlers there answer synchronously, so this waits, bounded, for
--- the choice; the built-in vim.ui.select answers before it returns.
function M.show_message_request(_, params)
  local actions = params and params.actions or {}
  if #actions == 0 then
    vim.notify(params and params.message or "", vim.log.levels.INFO)
    return vim.NIL
  end
  local chosen, answered = nil, false
  vim.ui.select(actions, {
    prompt = params.message .. ": ",
    kind = "lsp_message",
    format_item = function(action)
      return action.title
    end,
  }, function(choice)
    chosen, answered = choice, true
  end)
  if not answered then
    vim.wait(M.confirm_timeout_ms, function()
      return answered
    end, 50)
  end
  return chosen or vim.NIL
end

--- The handlers a client config needs for the commands (empty from 0.11 on, where the
--- built-in showMessageRequest handler already uses vim.ui.select).
function M.handlers()
  if vim.fn.has("nvim-0.11") == 1 then
    return {}
  end
  return { ["window/showMessageRequest"] = M.show_message_request }
end

--- Per buffer, once: keeps the code lenses fresh where the server offers them.
function M.on_attach(client, bufnr)
  M.define_command()
  local caps = client.server_capabilities or {}
  if caps.codeLensProvider == nil or vim.b[bufnr].aml_compute_ls_lenses then
    return
  end
  vim.b[bufnr].aml_compute_ls_lenses = true
  local group = vim.api.nvim_create_augroup("aml_compute_ls_lenses_" .. bufnr, { clear = true })
  vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "BufWritePost", "CursorHold" }, {
    group = group,
    buffer = bufnr,
    callback = function()
      M.refresh_lenses(bufnr)
    end,
  })
  M.refresh_lenses(bufnr)
end

return M
