-- aml-compute-ls for Neovim 0.11+'s vim.lsp.config / vim.lsp.enable (and nvim-lspconfig 2.x):
--
--   vim.lsp.config("aml_compute_ls", { settings = { amlComputeLs = { location = "eastus" } } })
--   vim.lsp.enable("aml_compute_ls")
--
-- Needs editors/neovim on 'runtimepath' (this file is found as lsp/aml_compute_ls.lua there).
return {
  cmd = { "aml-compute-ls", "--stdio" },
  filetypes = { "yaml", "json" },
  settings = { amlComputeLs = {} },
  root_dir = function(bufnr, on_dir)
    local aml = require("aml_compute_ls")
    if aml.is_compute_spec(bufnr) then
      on_dir(aml.find_root(vim.api.nvim_buf_get_name(bufnr)))
    end
  end,
}
