-- End-to-end driver for tests/it/neovim.rs. Run as
--   nvim --headless --clean -c "luafile editors/neovim/test/e2e.lua"
-- with these environment variables:
--   AML_E2E_PLUGIN   editors/neovim (added to 'runtimepath')
--   AML_E2E_BIN      the aml-compute-ls binary
--   AML_E2E_DIR      a scratch project: .azureml/ and specs/{cpu-cluster.yml,gpu-cluster-low-priority.yml,aks-inference.json}
--   AML_E2E_OUT      where the JSON results are written
--   AML_E2E_TIMEOUT  per-wait timeout in milliseconds (default 10000)
--   AML_E2E_SETUP    "plugin" (default): require("aml_compute_ls").setup{}, any release;
--                    "native": vim.lsp.config + vim.lsp.enable("aml_compute_ls") with the
--                    shipped lsp/aml_compute_ls.lua and no plugin call (0.11+)
--   AML_E2E_ENDPOINT an emulator on loopback: when set, :AmlCompute, the code lenses and the
--                    confirmations are driven against it too
-- The driver judges what the user sees (vim.diagnostic.get, completion items, applied edits,
-- code lenses), never which transport carried it: 0.7 gets diagnostics pushed, 0.11+ pulls them.
-- Every wait has a timeout; on any failure the error is recorded in the results, which are
-- always written, and Neovim exits (non-zero on failure).

local env = vim.env
local timeout = tonumber(env.AML_E2E_TIMEOUT or "") or 10000
local results = { steps = {} }

local function step(name)
  table.insert(results.steps, name)
end

local function version_string()
  local v = vim.version()
  return string.format("%d.%d.%d", v.major, v.minor, v.patch)
end

local function write_results()
  local f = assert(io.open(env.AML_E2E_OUT, "w"))
  f:write(vim.fn.json_encode(results))
  f:close()
end

local function codes(diagnostics)
  local out = {}
  for _, d in ipairs(diagnostics or {}) do
    table.insert(out, d.code == nil and vim.NIL or tostring(d.code))
  end
  table.sort(out, function(a, b)
    return tostring(a) < tostring(b)
  end)
  return out
end

local function has_code(diagnostics, code)
  for _, d in ipairs(diagnostics or {}) do
    if tostring(d.code) == code then
      return true
    end
  end
  return false
end

local function find_code(diagnostics, code)
  for _, d in ipairs(diagnostics or {}) do
    if tostring(d.code) == code then
      return d
    end
  end
  return nil
end

-- Every textDocument/publishDiagnostics (for the record and for the "never for a closed or
-- unopened document" check; the waits below do not look at them).
local publishes = {}
local default_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  if result then
    table.insert(publishes, { uri = result.uri, version = result.version, count = #(result.diagnostics or {}) })
  end
  return default_publish(err, result, ctx, config)
end

-- How often vim.diagnostic changed for each buffer, however the diagnostics got there.
local diagnostic_changes = {}
vim.api.nvim_create_autocmd("DiagnosticChanged", {
  callback = function(args)
    diagnostic_changes[args.buf] = (diagnostic_changes[args.buf] or 0) + 1
  end,
})

local function wait_for(what, predicate, ms)
  local ok = vim.wait(ms or timeout, predicate, 20)
  if not ok then
    error(string.format("timed out after %d ms waiting for %s", ms or timeout, what), 2)
  end
end

--- Waits until what vim.diagnostic holds for the buffer satisfies `predicate`; returns it.
local function wait_for_diagnostics(what, bufnr, predicate)
  local found
  local ok = vim.wait(timeout, function()
    local current = vim.diagnostic.get(bufnr)
    if predicate(current) then
      found = current
      return true
    end
    return false
  end, 20)
  if not ok then
    error(
      string.format(
        "timed out after %d ms waiting for %s (vim.diagnostic holds [%s]; %d publishes received)",
        timeout,
        what,
        table.concat(codes(vim.diagnostic.get(bufnr)), ","),
        #publishes
      ),
      2
    )
  end
  return found
end

local function clients_of(bufnr)
  local out = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, c in pairs(all) do
    if c.name == "aml_compute_ls" then
      table.insert(out, c)
    end
  end
  return out
end

local function all_clients()
  local out = {}
  for _, c in pairs(vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()) do
    if c.name == "aml_compute_ls" then
      table.insert(out, c)
    end
  end
  return out
end

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout)
  if not responses then
    error(string.format("%s failed: %s", method, tostring(err)), 2)
  end
  for _, response in pairs(responses) do
    if response.error then
      error(string.format("%s returned an error: %s", method, vim.inspect(response.error)), 2)
    end
    return response.result
  end
  return nil
end

local function completion_labels(bufnr, line, character)
  local result = request(bufnr, "textDocument/completion", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line, character = character },
    context = { triggerKind = 1 },
  })
  local items = {}
  if type(result) == "table" then
    items = result.items or result
  end
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
  end
  return labels
end

local function line_index(bufnr, pattern)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:match(pattern) then
      return i - 1
    end
  end
  error("no line matches " .. pattern, 2)
end

local function open(path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  return vim.api.nvim_get_current_buf()
end

local function lens_titles(bufnr)
  local titles = {}
  for _, lens in ipairs(vim.lsp.codelens.get(bufnr) or {}) do
    if lens.command and lens.command.title then
      table.insert(titles, lens.command.title)
    end
  end
  table.sort(titles)
  return titles
end

local function has_title(titles, prefix)
  for _, t in ipairs(titles) do
    if t:sub(1, #prefix) == prefix then
      return true
    end
  end
  return false
end

--- 9. :AmlCompute against the emulator, on a clean spec: completion of the subcommands, the
---    status lens before and after, the confirmations answered through vim.ui.select (stubbed
---    here as a picker plugin would replace it), create, status, list, a declined and a
---    confirmed delete.
local function commands_against_the_emulator(spec_buf)
  local commands = require("aml_compute_ls.commands")
  local answers, asked = {}, {}
  vim.ui.select = function(items, opts, on_choice)
    table.insert(asked, opts.prompt or "")
    local want = table.remove(answers, 1)
    for i, item in ipairs(items) do
      if item.title == want then
        return on_choice(item, i)
      end
    end
    return on_choice(nil, nil)
  end
  local function run(args, answer)
    answers = answer and { answer } or {}
    local before = #asked
    commands.last_result = nil
    -- An error the command reports (vim.notify at ERROR level) is raised by vim.cmd headless.
    pcall(vim.cmd, "AmlCompute " .. args)
    wait_for(":AmlCompute " .. args .. " to finish", function()
      return commands.last_result ~= nil
    end, 4 * timeout)
    local r = commands.last_result
    return {
      ok = r.ok == true,
      message = r.message or vim.NIL,
      status_line = r.compute and r.compute.statusLine or vim.NIL,
      computes = r.computes and vim.tbl_map(function(c)
        return c.name
      end, r.computes) or vim.NIL,
      asked = { unpack(asked, before + 1) },
    }
  end

  vim.api.nvim_set_current_buf(spec_buf)
  local c = {}
  results.commands = c
  c.exists = vim.fn.exists(":AmlCompute") == 2
  c.completion_st = vim.fn.getcompletion("AmlCompute st", "cmdline")
  table.sort(c.completion_st)
  c.completion_all = vim.fn.getcompletion("AmlCompute ", "cmdline")
  wait_for("the code lenses of the spec", function()
    return #lens_titles(spec_buf) >= 2
  end)
  c.lenses_before = lens_titles(spec_buf)
  c.create = run("create", "Create")
  wait_for("the status lens to show the new state", function()
    return has_title(lens_titles(spec_buf), "Status: Succeeded")
  end)
  c.lenses_after_create = lens_titles(spec_buf)
  c.status = run("status")
  c.list = run("list")
  c.delete_declined = run("delete", "Cancel")
  c.status_after_declined = run("status")
  c.delete = run("delete", "Delete")
  c.status_after_delete = run("status")
  c.unknown = run("frobnicate")
  step("commands")
end

local function main()
  results.nvim_version = version_string()
  vim.opt.runtimepath:append(env.AML_E2E_PLUGIN)
  vim.cmd("filetype on")
  vim.o.swapfile = false
  vim.o.hidden = true

  local settings = { location = "eastus", disable = { "AML103" } }
  if env.AML_E2E_ENDPOINT then
    settings.endpoint = env.AML_E2E_ENDPOINT
    settings.subscriptionId = "00000000-0000-0000-0000-000000000000"
    settings.resourceGroup = "demo-rg"
    settings.workspaceName = "demo-ws"
  end
  local aml = require("aml_compute_ls")
  results.setup = env.AML_E2E_SETUP or "plugin"
  if results.setup == "native" then
    -- What Neovim does at start-up for a plugin on 'runtimepath' (here it was added later).
    vim.cmd("runtime plugin/aml_compute_ls.lua")
    vim.lsp.config("aml_compute_ls", {
      cmd = { env.AML_E2E_BIN, "--stdio" },
      settings = { amlComputeLs = settings },
    })
    vim.lsp.enable("aml_compute_ls")
    results.api = "vim.lsp.enable"
  else
    aml.setup({ cmd = { env.AML_E2E_BIN, "--stdio" }, settings = settings })
    results.api = vim.lsp.start and "vim.lsp.start" or "vim.lsp.start_client"
  end
  step("setup")

  local dir = env.AML_E2E_DIR
  local spec = dir .. "/specs/cpu-cluster.yml"

  -- 1. Open a clean example: the client attaches and publishes (no) diagnostics.
  local bufnr = open(spec)
  local uri = vim.uri_from_bufnr(bufnr)
  results.filetype = vim.bo[bufnr].filetype
  wait_for("the client to attach to " .. spec, function()
    return #clients_of(bufnr) > 0
  end)
  local client = clients_of(bufnr)[1]
  results.client_name = client.name
  results.root_dir = client.config.root_dir or client.root_dir
  results.offset_encoding = client.offset_encoding
  -- A clean spec: vim.diagnostic is set (to nothing) for it once the server has answered.
  wait_for("the first diagnostics to reach vim.diagnostic", function()
    return (diagnostic_changes[bufnr] or 0) > 0
  end)
  local diags = vim.diagnostic.get(bufnr)
  results.codes_before = codes(diags)
  results.pull_diagnostics = client.server_capabilities.diagnosticProvider ~= nil
  results.omnifunc = vim.bo[bufnr].omnifunc
  step("opened")

  -- 2. Break it: a name ending in `-1` (AML204), min_instances > max_instances (AML401), an
  --    empty `tier:` value and an empty top-level line to complete on.
  local name_line = line_index(bufnr, "^name:")
  vim.api.nvim_buf_set_lines(bufnr, name_line, name_line + 1, false, { "name: cpu-cluster-1" })
  local min_line = line_index(bufnr, "^min_instances:")
  vim.api.nvim_buf_set_lines(bufnr, min_line, min_line + 1, false, { "min_instances: 5" })
  local tier_line = line_index(bufnr, "^tier:")
  vim.api.nvim_buf_set_lines(bufnr, tier_line, tier_line + 1, false, { "tier: ", "" })
  local blank_line = tier_line + 1
  diags = wait_for_diagnostics("AML204 and AML401 after the edit", bufnr, function(d)
    return has_code(d, "AML204") and has_code(d, "AML401")
  end)
  results.codes_after_edit = codes(diags)
  results.vim_diagnostic_codes = codes(vim.diagnostic.get(bufnr))
  step("edited")

  -- 3. Completion after `tier: ` and on the empty top-level line.
  results.completion_tier = completion_labels(bufnr, tier_line, #"tier: ")
  results.completion_top_level = completion_labels(bufnr, blank_line, 0)
  step("completed")

  -- 4. Code actions at the AML204 diagnostic; apply the preferred quick fix. A missing fix is
  --    recorded (the Rust test reports it) and the remaining steps still run.
  -- Back to the LSP form, as vim.lsp.buf.code_action() does with the line's diagnostics (the
  -- spec is ASCII, so byte columns are UTF-16 columns).
  local shown = find_code(diags, "AML204")
  local target = vim.tbl_extend("keep", {
    range = {
      start = { line = shown.lnum, character = shown.col },
      ["end"] = { line = shown.end_lnum, character = shown.end_col },
    },
    severity = shown.severity,
    message = shown.message,
    source = shown.source,
    code = shown.code,
  }, shown.user_data and shown.user_data.lsp or {})
  local actions = request(bufnr, "textDocument/codeAction", {
    textDocument = { uri = uri },
    range = target.range,
    context = { diagnostics = { target } },
  }) or {}
  results.code_actions = {}
  local chosen
  for _, action in ipairs(actions) do
    table.insert(results.code_actions, {
      title = action.title,
      kind = action.kind or vim.NIL,
      preferred = action.isPreferred == true,
      diagnostic_codes = codes(action.diagnostics),
      has_edit = action.edit ~= nil,
    })
    if chosen == nil and action.isPreferred and action.kind == "quickfix" and action.edit then
      chosen = action
    end
  end
  if chosen then
    results.applied_action = chosen.title
    -- 0.7 and later take the offset encoding; older releases took only the edit (the extra
    -- argument is ignored there).
    vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
    diags = wait_for_diagnostics("AML204 to go away after the quick fix", bufnr, function(d)
      return not has_code(d, "AML204") and has_code(d, "AML401")
    end)
    results.codes_after_fix = codes(diags)
    step("fixed")
  else
    results.applied_action = vim.NIL
  end
  results.text_after_fix = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")

  -- 5. Settings reach the server: AML103 (the empty `tier:`) was disabled in setup();
  --    re-enabling it through update_settings (didChangeConfiguration) brings it back.
  local re_enabled = vim.deepcopy(settings)
  re_enabled.disable = nil
  aml.update_settings(re_enabled)
  diags = wait_for_diagnostics("AML103 after re-enabling it in the settings", bufnr, function(d)
    return has_code(d, "AML103")
  end)
  results.codes_after_settings_change = codes(diags)
  step("settings")

  -- 6. Attachment rules: a second spec under the same root shares the client, a JSON spec
  --    attaches, plain YAML does not.
  local gpu = open(dir .. "/specs/gpu-cluster-low-priority.yml")
  wait_for("the client to attach to the second spec", function()
    return #clients_of(gpu) > 0
  end)
  results.second_spec_client_reused = clients_of(gpu)[1].id == client.id
  local json = open(dir .. "/specs/aks-inference.json")
  results.json_filetype = vim.bo[json].filetype
  wait_for("the client to attach to the JSON spec", function()
    return #clients_of(json) > 0
  end)
  results.json_attached = true
  local plain_path = dir .. "/specs/notes.yml"
  local f = assert(io.open(plain_path, "w"))
  f:write("just: some yaml\ntype: object\n")
  f:close()
  local plain = open(plain_path)
  vim.wait(300)
  results.plain_yaml_attached = #clients_of(plain) > 0
  results.client_count = #all_clients()
  step("attachment")

  -- 7. The nvim-lspconfig table loads and finds the same root.
  local lspconfig_table = dofile(env.AML_E2E_PLUGIN .. "/lspconfig.lua")
  results.lspconfig_cmd = lspconfig_table.default_config.cmd
  results.lspconfig_root = lspconfig_table.default_config.root_dir(spec, bufnr) or vim.NIL
  results.lspconfig_plain_root = lspconfig_table.default_config.root_dir(plain_path, plain) or vim.NIL
  step("lspconfig")

  -- 8. Documents the editor does not have open get no diagnostics, pushed or pulled: a broken
  --    spec that was never opened, and the JSON spec once its buffer is wiped. A settings change
  --    (AML401 disabled) makes the server re-check everything it has open; the open spec shows
  --    it, and neither of the others gains a buffer (a push would create one) or a publish.
  local json_path = vim.api.nvim_buf_get_name(json)
  local json_uri = vim.uri_from_bufnr(json)
  local unopened_path = dir .. "/specs/unopened.yml"
  local unopened_uri = vim.uri_from_fname(unopened_path)
  vim.api.nvim_set_current_buf(bufnr)
  vim.cmd("bwipeout! " .. json)
  local publishes_at_close = #publishes
  local without_401 = vim.deepcopy(re_enabled)
  without_401.disable = { "AML401" }
  aml.update_settings(without_401)
  diags = wait_for_diagnostics("AML401 to go once the settings disable it", bufnr, function(d)
    return not has_code(d, "AML401") and has_code(d, "AML103")
  end)
  results.codes_after_second_settings_change = codes(diags)
  vim.wait(300)
  local late = {}
  for i = publishes_at_close + 1, #publishes do
    local p = publishes[i]
    if (p.uri == json_uri and p.count > 0) or p.uri == unopened_uri then
      table.insert(late, p.uri)
    end
  end
  for _, p in ipairs(publishes) do
    if p.uri == unopened_uri then
      table.insert(late, p.uri)
    end
  end
  results.diagnostics_for_documents_not_open = late
  results.closed_buffer_recreated = vim.fn.bufnr(json_path) ~= -1
  results.unopened_buffer_created = vim.fn.bufnr(unopened_path) ~= -1
  step("not-open")

  if env.AML_E2E_ENDPOINT then
    commands_against_the_emulator(gpu)
  end
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  results.error = tostring(err)
end
results.messages = vim.fn.execute("messages")
local write_ok, write_err = pcall(write_results)
if not write_ok then
  io.stderr:write("could not write results: " .. tostring(write_err) .. "\n")
end

-- Stop the server politely, but never wait long.
local ids = {}
for _, c in ipairs(vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()) do
  table.insert(ids, c.id)
end
vim.lsp.stop_client(ids)
vim.wait(2000, function()
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  return #all == 0
end, 20)

if ok and write_ok then
  vim.cmd("qall!")
else
  if not ok then
    io.stderr:write(tostring(err) .. "\n")
  end
  vim.cmd("cquit 1")
end
