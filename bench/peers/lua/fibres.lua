-- fibres.lua (written for felixlet's harness): the smallest runtime of fibres and synchronous channels over coroutines, for
-- the Lua peers of felixlet's benchmark workloads (run with Lua 5.4 or LuaJIT). A channel
-- keeps a stack of the fibres waiting on it, all readers or all writers; a rendezvous
-- hands the value over and puts the partner on the ready queue; run resumes ready fibres
-- until none is left. Fibres left waiting on a channel nobody can reach are garbage, as
-- in felixlet.
local F = {}

local ready, vals, head, tail = {}, {}, 1, 0

local function push(co, v)
  tail = tail + 1
  ready[tail], vals[tail] = co, v
end

function F.chan()
  return { waiting = {}, n = 0, writers = false }
end

function F.write(ch, v)
  if ch.n > 0 and not ch.writers then
    local r = ch.waiting[ch.n]
    ch.waiting[ch.n] = nil
    ch.n = ch.n - 1
    push(r, v)
    return
  end
  ch.n = ch.n + 1
  ch.waiting[ch.n] = { co = coroutine.running(), v = v }
  ch.writers = true
  coroutine.yield()
end

function F.read(ch)
  if ch.n > 0 and ch.writers then
    local w = ch.waiting[ch.n]
    ch.waiting[ch.n] = nil
    ch.n = ch.n - 1
    push(w.co, nil)
    return w.v
  end
  ch.n = ch.n + 1
  ch.waiting[ch.n] = coroutine.running()
  ch.writers = false
  return coroutine.yield()
end

-- spawn starts a fibre running f with the given arguments; it runs at once, until it
-- first waits, as spawn_fthread's fibre does.
function F.spawn(f, ...)
  local ok, err = coroutine.resume(coroutine.create(f), ...)
  if not ok then error(err) end
end

-- run runs main and every fibre it spawns until none is ready.
function F.run(main)
  push(coroutine.create(main), nil)
  while head <= tail do
    local co, v = ready[head], vals[head]
    ready[head], vals[head] = nil, nil
    head = head + 1
    local ok, err = coroutine.resume(co, v)
    if not ok then error(err) end
    if head > tail then head, tail = 1, 0 end
  end
end

return F
