-- name: flows
-- description: Distinct (proto, dpt, spt, src, dst) tuples with their packet counts, ordered by source port then destination port: what the operator's `sed | sort | uniq | column -t` printed.
-- param: since timestamp = -24h   start of the window (inclusive): ISO time, or relative like -24h, 7d
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: limit int = 1000         at most this many rows
SELECT proto, dpt, spt, src, dst, count(*) AS packets
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
  AND spt IS NOT NULL
GROUP BY proto, dpt, spt, src, dst
ORDER BY spt, dpt, proto, src, dst
LIMIT :limit
