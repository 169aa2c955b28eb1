-- End-to-end driver for tests/neovim.rs. Run as
--   nvim --headless --clean -c "luafile editors/neovim/test/e2e.lua"
-- with these environment variables:
--   AML_E2E_PLUGIN   editors/neovim (added to 'runtimepath')
--   AML_E2E_BIN      the aml-compute-ls binary
--   AML_E2E_DIR      a scratch project: .azureml/ and specs/{cpu-cluster.yml,gpu-cluster-low-priority.yml,aks-inference.json}
--   AML_E2E_OUT      where the JSON results are written
--   AML_E2E_TIMEOUT  per-wait timeout in milliseconds (default 10000)
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

-- Every textDocument/publishDiagnostics, recorded before Neovim handles it.
local publishes = {}
local default_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  if result then
    table.insert(publishes, { uri = result.uri, version = result.version, diagnostics = result.diagnostics })
  end
  return default_publish(err, result, ctx, config)
end

local function wait_for(what, predicate)
  local ok = vim.wait(timeout, predicate, 20)
  if not ok then
    error(string.format("timed out after %d ms waiting for %s", timeout, what), 2)
  end
end

--- Waits for a publish for `uri` newer than `after` (an index into `publishes`) that satisfies
--- `predicate`; returns its diagnostics and its index.
local function wait_for_publish(what, uri, after, predicate)
  local found, index
  local ok = vim.wait(timeout, function()
    for i = #publishes, after + 1, -1 do
      local p = publishes[i]
      if p.uri == uri then
        -- Only the newest publish for the document counts.
        if predicate(p.diagnostics) then
          found, index = p.diagnostics, i
          return true
        end
        return false
      end
    end
    return false
  end, 20)
  if not ok then
    local seen = {}
    for i = after + 1, #publishes do
      table.insert(seen, table.concat(codes(publishes[i].diagnostics), ","))
    end
    error(
      string.format("timed out after %d ms waiting for %s (publishes seen: [%s])", timeout, what, table.concat(seen, "] [")),
      2
    )
  end
  return found, index
end

local function clients_of(bufnr)
  local out = {}
  if vim.lsp.get_clients then
    for _, c in ipairs(vim.lsp.get_clients({ bufnr = bufnr })) do
      table.insert(out, c)
    end
  else
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
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

local function main()
  results.nvim_version = version_string()
  vim.opt.runtimepath:append(env.AML_E2E_PLUGIN)
  vim.cmd("filetype on")
  vim.o.swapfile = false
  vim.o.hidden = true

  local aml = require("aml_compute_ls")
  aml.setup({ cmd = { env.AML_E2E_BIN, "--stdio" }, settings = { location = "eastus", disable = { "AML103" } } })
  results.api = vim.lsp.start and "vim.lsp.start" or "vim.lsp.start_client"
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
  results.root_dir = client.config.root_dir
  results.offset_encoding = client.offset_encoding
  local diags, seen = wait_for_publish("the first diagnostics", uri, 0, function()
    return true
  end)
  results.codes_before = codes(diags)
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
  diags, seen = wait_for_publish("AML204 and AML401 after the edit", uri, seen, function(d)
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
  local target = find_code(diags, "AML204")
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
    diags, seen = wait_for_publish("AML204 to go away after the quick fix", uri, seen, function(d)
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
  aml.update_settings({ location = "eastus" })
  diags, seen = wait_for_publish("AML103 after re-enabling it in the settings", uri, seen, function(d)
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
  local n = 0
  for _ in pairs(aml.clients) do
    n = n + 1
  end
  results.client_count = n
  step("attachment")

  -- 7. The nvim-lspconfig table loads and finds the same root.
  local lspconfig_table = dofile(env.AML_E2E_PLUGIN .. "/lspconfig.lua")
  results.lspconfig_cmd = lspconfig_table.default_config.cmd
  results.lspconfig_root = lspconfig_table.default_config.root_dir(spec, bufnr) or vim.NIL
  results.lspconfig_plain_root = lspconfig_table.default_config.root_dir(plain_path, plain) or vim.NIL
  step("lspconfig")
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
