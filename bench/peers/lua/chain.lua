-- W4: a daisy chain of 10,000 fibres, each adds one; 100 tokens pass through.
local F = dofile("fibres.lua")
local function link(inp, out)
  while true do F.write(out, F.read(inp) + 1) end
end
F.run(function()
  local first = F.chan()
  local left = first
  for _ = 1, 10000 do
    local c = F.chan()
    F.spawn(link, left, c)
    left = c
  end
  local sum = 0
  for _ = 1, 100 do
    F.write(first, 0)
    sum = sum + F.read(left)
  end
  print(sum)
end)
