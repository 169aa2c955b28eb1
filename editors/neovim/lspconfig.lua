-- aml-compute-ls as an nvim-lspconfig server (the `configs` registration).
--
--   local configs = require("lspconfig.configs")
--   if not configs.aml_compute_ls then
--     configs.aml_compute_ls = dofile("/path/to/aml-compute-ls/editors/neovim/lspconfig.lua")
--   end
--   require("lspconfig").aml_compute_ls.setup({ settings = { amlComputeLs = { location = "eastus" } } })
--
-- With editors/neovim on 'runtimepath' the root and the "is this a compute spec" check come from
-- require("aml_compute_ls"), so only compute specs attach and yaml-language-server keeps the
-- rest. Copied on its own, the file still works: it then attaches to every YAML/JSON file under
-- a root marker.

local function plugin()
  local ok, aml = pcall(require, "aml_compute_ls")
  if ok and type(aml) == "table" and aml.find_root then
    return aml
  end
  return nil
end

local markers = { ".azureml", ".git", "config.json" }

return {
  default_config = {
    cmd = { "aml-compute-ls", "--stdio" },
    filetypes = { "yaml", "json" },
    single_file_support = false,
    settings = { amlComputeLs = {} },
    root_dir = function(fname, bufnr)
      local aml = plugin()
      if aml then
        if bufnr and vim.api.nvim_buf_is_valid(bufnr) and not aml.is_compute_spec(bufnr) then
          return nil
        end
        return aml.find_root(fname)
      end
      return require("lspconfig.util").root_pattern(unpack(markers))(fname)
    end,
  },
  docs = {
    description = [[
`aml-compute-ls --stdio` (build it with `cargo install --path .` from the repository).

Language server for Azure Machine Learning compute specs (YAML and JSON): diagnostics with
quick fixes, completion, hover and document symbols. Attaches only to files that look like
compute specs when editors/neovim from the aml-compute-ls repository is on 'runtimepath'.
Settings live under `amlComputeLs` (`location`, `rules`, `disable`, `severity`).
]],
    default_config = {
      root_dir = [[nearest directory with .azureml/, .git or config.json; compute specs only]],
    },
  },
}
