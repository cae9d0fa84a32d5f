-- fluent-bit-journal.lua: Lua filter for fluent-bit.yaml / fluent-bit.conf.
--
-- Turns a record of Fluent Bit's `systemd` input into the shape of one
-- `journalctl -o json` line, which fwlake's parser reads with its time and host:
--
--   {"MESSAGE":"<kernel message>","_HOSTNAME":"fw1","__REALTIME_TIMESTAMP":"1789679523123456"}
--
-- Why: the systemd input copies the journal's data fields (MESSAGE, _HOSTNAME,
-- _TRANSPORT, PRIORITY, ...) into the record but not __REALTIME_TIMESTAMP; it
-- becomes the record's timestamp instead. The s3 output can only add that
-- timestamp under `json_date_key` as seconds (`epoch`, `double`), milliseconds
-- (`epoch_ms`) or ISO 8601, while journalctl's field is a decimal string of
-- MICROseconds. So this filter writes it under its journald name, and keeps only
-- the three fields the lake uses (smaller objects, no surprises from other fields).
--
-- Written for Fluent Bit 3.x (its Lua filter runs LuaJIT, i.e. Lua 5.1 syntax:
-- no `//` operator). Requires `time_as_table on` in the filter section, so the
-- timestamp arrives as {sec=..., nsec=...} without floating-point rounding.
-- Install: copy next to the main config file (/etc/fluent-bit/); the filter's
-- `script` path is resolved relative to that file.

function fwlake_journal_line(tag, ts, record)
  local message = record["MESSAGE"]
  if message == nil then
    -- Nothing the lake could use: drop the record.
    return -1, ts, record
  end

  local usec
  if type(ts) == "table" then
    -- time_as_table on: exact seconds and nanoseconds.
    usec = string.format("%d%06d", ts.sec, math.floor(ts.nsec / 1000))
  else
    -- time_as_table off: a double; rounding may move the last microsecond digit.
    usec = string.format("%.0f", ts * 1000000)
  end

  -- Code 2: keep the record's timestamp, replace the record.
  return 2, ts, {
    MESSAGE = message,
    _HOSTNAME = record["_HOSTNAME"],
    __REALTIME_TIMESTAMP = usec,
  }
end
