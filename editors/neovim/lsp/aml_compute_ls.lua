-- aml-compute-ls for Neovim 0.11+'s vim.lsp.config / vim.lsp.enable (and nvim-lspconfig 2.x):
--
--   vim.lsp.config("aml_compute_ls", { settings = { amlComputeLs = { location = "eastus" } } })
--   vim.lsp.enable("aml_compute_ls")
--
-- Needs editors/neovim on 'runtimepath' (this file is found as lsp/aml_compute_ls.lua there).
-- Only buffers that look like compute specs attach (root_dir calls on_dir for those alone), so
-- yaml-language-server and jsonls keep every other YAML and JSON file. One client runs per
-- project root: the nearest directory with .azureml/, .git or config.json.
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
  -- :AmlCompute and the status code lenses (plugin/aml_compute_ls.lua does the same through
  -- LspAttach, for configs that replace this on_attach).
  on_attach = function(client, bufnr)
    require("aml_compute_ls.commands").on_attach(client, bufnr)
  end,
}
