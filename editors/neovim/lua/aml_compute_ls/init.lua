-- aml-compute-ls for Neovim: starts the language server for Azure ML compute specs.
--
--   require("aml_compute_ls").setup({
--     cmd = { "aml-compute-ls", "--stdio" },          -- default
--     settings = { location = "eastus", disable = { "AML404" } },  -- the `amlComputeLs` section
--   })
--
-- Works on Neovim 0.7 (vim.lsp.start_client + vim.lsp.buf_attach_client) and 0.8+
-- (vim.lsp.start). Attaches only to YAML/JSON buffers that look like compute specs, so it can
-- run beside yaml-language-server or jsonls without adding noise to unrelated files. One
-- client is started per project root and shared by every spec under it.

local M = {}

M.name = "aml_compute_ls"

--- Files or directories that mark a project root, nearest first.
M.root_markers = { ".azureml", ".git", "config.json" }

--- Values of a top-level `type:` that make a YAML file a compute spec.
M.compute_types = {
  amlcompute = true,
  computeinstance = true,
  virtualmachine = true,
  kubernetes = true,
  synapsespark = true,
}

--- How many lines from the top are inspected to decide whether a buffer is a compute spec.
M.scan_lines = 50

local defaults = {
  cmd = { "aml-compute-ls", "--stdio" },
  filetypes = { "yaml", "json" },
  settings = {},
  root_markers = nil, -- defaults to M.root_markers
  on_attach = nil,
  on_init = nil,
  capabilities = nil,
  handlers = nil,
  flags = nil,
  -- function(bufnr) -> boolean; replaces the built-in compute-spec detection.
  should_attach = nil,
}

local options = vim.deepcopy(defaults)

--- root_dir -> client id
M.clients = {}

local uv = vim.loop

-- Client methods are called with `.` up to 0.10 and with `:` from 0.11 on.
local method_calls = vim.fn.has("nvim-0.11") == 1

local function client_notify(client, method, params)
  if method_calls then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function client_stopped(client)
  if method_calls then
    return client:is_stopped()
  end
  return client.is_stopped()
end

local function is_dir(path)
  local stat = uv.fs_stat(path)
  return stat ~= nil and stat.type == "directory"
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

local function dirname(path)
  local parent = path:match("^(.*)/[^/]*$")
  if parent == nil then
    return nil
  end
  if parent == "" then
    return "/"
  end
  return parent
end

--- The nearest directory at or above `path` (a file or a directory) that holds one of the
--- root markers; the file's own directory when none does.
function M.find_root(path, markers)
  markers = markers or options.root_markers or M.root_markers
  if path == nil or path == "" then
    return uv.cwd()
  end
  path = vim.fn.fnamemodify(path, ":p"):gsub("/+$", "")
  if path == "" then
    path = "/"
  end
  local start = is_dir(path) and path or (dirname(path) or uv.cwd())
  local dir = start
  while dir do
    for _, marker in ipairs(markers) do
      local candidate = (dir == "/" and "" or dir) .. "/" .. marker
      if exists(candidate) then
        return dir
      end
    end
    if dir == "/" then
      break
    end
    dir = dirname(dir)
  end
  return start
end

--- Whether the first lines of a buffer (or a list of lines) look like an Azure ML compute
--- spec: a `$schema` (or yaml-language-server modeline) naming an Azure ML compute schema, a
--- top-level `type:` with a compute type, or a JSON `"computeType"` / `"type"` property.
function M.looks_like_compute_spec(lines)
  for _, line in ipairs(lines) do
    local lower = line:lower()
    if lower:find("$schema", 1, true) and lower:find("azureml", 1, true) and lower:find("compute", 1, true) then
      return true
    end
    local ytype = lower:match("^type%s*:%s*[\"']?([%w_]+)")
    if ytype and M.compute_types[ytype] then
      return true
    end
    if line:find('"computeType"%s*:') then
      return true
    end
    local jtype = lower:match('"type"%s*:%s*"([%w_]+)"')
    if jtype and M.compute_types[jtype] then
      return true
    end
  end
  return false
end

function M.is_compute_spec(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local forced = vim.b[bufnr].aml_compute_ls
  if forced ~= nil then
    return forced == true or forced == 1
  end
  if options.should_attach then
    return options.should_attach(bufnr) and true or false
  end
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, M.scan_lines, false)
  return M.looks_like_compute_spec(lines)
end

local function client_request(client, method, params, handler, bufnr)
  if method_calls then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Whether this plugin answers workspace/diagnostic/refresh itself: Neovim pulls diagnostics
--- from 0.10 on but (up to 0.12 at least) does not take that refresh, so after a settings
--- change it would keep showing stale pulled diagnostics. A release that handles it keeps its own.
local function plugin_refreshes_diagnostics()
  return vim.fn.has("nvim-0.10") == 1
    and vim.lsp.diagnostic.on_diagnostic ~= nil
    and vim.lsp.handlers["workspace/diagnostic/refresh"] == nil
end

--- workspace/diagnostic/refresh (LSP 3.17): pull again for every buffer the client has open,
--- as Neovim pulls on a change (the reply goes to its own textDocument/diagnostic handler).
function M.on_diagnostic_refresh(_, _, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    for bufnr in pairs(client.attached_buffers or {}) do
      if vim.api.nvim_buf_is_loaded(bufnr) then
        client_request(client, "textDocument/diagnostic", {
          textDocument = vim.lsp.util.make_text_document_params(bufnr),
        }, nil, bufnr)
      end
    end
  end
  return vim.NIL
end

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  if options.capabilities then
    caps = vim.tbl_deep_extend("force", caps, options.capabilities)
  end
  -- Neovim answers workspace/configuration from `settings` (0.7 does not advertise it).
  caps.workspace = caps.workspace or {}
  caps.workspace.configuration = true
  if plugin_refreshes_diagnostics() then
    caps.workspace.diagnostics = vim.tbl_extend("force", caps.workspace.diagnostics or {}, { refreshSupport = true })
  end
  return caps
end

local function handlers()
  local out = require("aml_compute_ls.commands").handlers()
  if plugin_refreshes_diagnostics() then
    out["workspace/diagnostic/refresh"] = M.on_diagnostic_refresh
  end
  return vim.tbl_extend("force", out, options.handlers or {})
end

local function section()
  if options.settings == nil or vim.tbl_isempty(options.settings) then
    return vim.empty_dict()
  end
  return options.settings
end

--- The client configuration used for a project root (also what vim.lsp.start receives).
function M.client_config(root_dir)
  return {
    name = M.name,
    cmd = options.cmd,
    root_dir = root_dir,
    workspace_folders = {
      { uri = vim.uri_from_fname(root_dir), name = root_dir },
    },
    init_options = section(),
    settings = { amlComputeLs = section() },
    capabilities = capabilities(),
    handlers = handlers(),
    flags = options.flags,
    on_attach = function(client, bufnr)
      -- <C-x><C-o> completion out of the box (0.10+ does this itself).
      if vim.bo[bufnr].omnifunc == "" then
        vim.bo[bufnr].omnifunc = "v:lua.vim.lsp.omnifunc"
      end
      -- :AmlCompute and the status code lenses.
      require("aml_compute_ls.commands").on_attach(client, bufnr)
      if options.on_attach then
        options.on_attach(client, bufnr)
      end
    end,
    on_init = function(client, result)
      -- Push the settings too: 0.7 never sends them on its own.
      client_notify(client, "workspace/didChangeConfiguration", { settings = client.config.settings })
      if options.on_init then
        options.on_init(client, result)
      end
    end,
    on_exit = function(_, _, client_id)
      for root, id in pairs(M.clients) do
        if id == client_id then
          M.clients[root] = nil
        end
      end
    end,
  }
end

local function live_client(root_dir)
  local id = M.clients[root_dir]
  if id == nil then
    return nil
  end
  local client = vim.lsp.get_client_by_id(id)
  if client == nil or client_stopped(client) then
    M.clients[root_dir] = nil
    return nil
  end
  return id
end

--- Starts (or reuses) the client for the buffer's root and attaches it. Returns the client id,
--- or nil when the buffer is not a compute spec (pass `{ force = true }` to skip that check).
function M.attach(bufnr, attach_opts)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  attach_opts = attach_opts or {}
  if not vim.api.nvim_buf_is_valid(bufnr) or vim.bo[bufnr].buftype ~= "" then
    return nil
  end
  if not attach_opts.force and not M.is_compute_spec(bufnr) then
    return nil
  end
  local root_dir = M.find_root(vim.api.nvim_buf_get_name(bufnr))
  local id = live_client(root_dir)
  if id == nil and vim.lsp.start then
    -- 0.8+: vim.lsp.start reuses a client with the same name and root_dir.
    id = vim.lsp.start(M.client_config(root_dir), { bufnr = bufnr })
  elseif id == nil then
    id = vim.lsp.start_client(M.client_config(root_dir))
    if id then
      vim.lsp.buf_attach_client(bufnr, id)
    end
  elseif not vim.lsp.buf_is_attached(bufnr, id) then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  if id then
    M.clients[root_dir] = id
  end
  return id
end

--- Every running aml-compute-ls client: those setup{} started and those started by
--- vim.lsp.enable or nvim-lspconfig (found by name).
local function all_clients()
  local out = {}
  local all = vim.lsp.get_clients and vim.lsp.get_clients() or vim.lsp.get_active_clients()
  for _, client in pairs(all) do
    if client.name == M.name then
      out[client.id] = client
    end
  end
  return out
end

--- Replaces the `amlComputeLs` settings and sends them to every running client.
function M.update_settings(settings)
  options.settings = settings or {}
  for _, client in pairs(all_clients()) do
    if not client_stopped(client) then
      client.config.settings = { amlComputeLs = section() }
      if client.settings ~= nil then
        -- 0.10+ answers workspace/configuration from client.settings.
        client.settings = client.config.settings
      end
      client_notify(client, "workspace/didChangeConfiguration", { settings = client.config.settings })
    end
  end
end

function M.setup(opts)
  options = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})
  -- Lists replace rather than merge.
  if opts and opts.cmd then
    options.cmd = opts.cmd
  end
  if opts and opts.filetypes then
    options.filetypes = opts.filetypes
  end
  if opts and opts.settings then
    options.settings = opts.settings
  end
  if opts and opts.root_markers then
    options.root_markers = opts.root_markers
  end

  local group = vim.api.nvim_create_augroup("aml_compute_ls", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = options.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  -- A spec typed into a new file is recognised once it is saved.
  vim.api.nvim_create_autocmd("BufWritePost", {
    group = group,
    callback = function(args)
      if vim.tbl_contains(options.filetypes, vim.bo[args.buf].filetype) then
        M.attach(args.buf)
      end
    end,
  })
  vim.api.nvim_create_user_command("AmlComputeLsAttach", function()
    M.attach(0, { force = true })
  end, { desc = "Attach aml-compute-ls to the current buffer even if it does not look like a compute spec" })
  require("aml_compute_ls.commands").define_command()

  -- Buffers opened before setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(options.filetypes, vim.bo[bufnr].filetype) then
      M.attach(bufnr)
    end
  end
end

return M
