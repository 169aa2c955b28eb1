-- Loaded by Neovim from 'runtimepath' at start-up. It starts nothing by itself (setup{} or
-- vim.lsp.enable("aml_compute_ls") does): it gives every aml-compute-ls client, however it was
-- started, the :AmlCompute command and the status code lenses.
if vim.g.loaded_aml_compute_ls then
  return
end
vim.g.loaded_aml_compute_ls = true

local commands = require("aml_compute_ls.commands")
commands.define_command()

-- LspAttach exists from 0.8; on 0.7 setup{}'s on_attach does the same.
if vim.fn.exists("##LspAttach") == 1 then
  vim.api.nvim_create_autocmd("LspAttach", {
    group = vim.api.nvim_create_augroup("aml_compute_ls_attach", { clear = true }),
    callback = function(args)
      local client = vim.lsp.get_client_by_id(args.data and args.data.client_id or -1)
      if client and client.name == commands.client_name then
        commands.on_attach(client, args.buf)
      end
    end,
  })
end
