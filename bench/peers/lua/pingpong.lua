-- W3: two fibres bounce a counter over two synchronous channels, 1,000,000 round trips.
local F = dofile("fibres.lua")
F.run(function()
  local p, q = F.chan(), F.chan()
  F.spawn(function()
    while true do F.write(q, F.read(p) + 1) end
  end)
  local n = 0
  for _ = 1, 1000000 do
    F.write(p, n)
    n = F.read(q)
  end
  print(n)
end)
