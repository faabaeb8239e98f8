-- W5: a million fibres, each starved on a channel of its own.
local F = dofile("fibres.lua")
F.run(function()
  local n = 0
  for _ = 1, 1000000 do
    F.spawn(function(c) print(F.read(c)) end, F.chan())
    n = n + 1
  end
  print(n)
end)
