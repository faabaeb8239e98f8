-- W6: the concurrent prime sieve; prints the 2000th prime, 17389.
local F = dofile("fibres.lua")
local function generate(out)
  local i = 2
  while true do F.write(out, i); i = i + 1 end
end
local function filter(p, inp, out)
  while true do
    local x = F.read(inp)
    if x % p ~= 0 then F.write(out, x) end
  end
end
F.run(function()
  local ch = F.chan()
  F.spawn(generate, ch)
  for _ = 1, 1999 do
    local prime = F.read(ch)
    local o = F.chan()
    F.spawn(filter, prime, ch, o)
    ch = o
  end
  print(string.format("%.0f", F.read(ch)))
end)
