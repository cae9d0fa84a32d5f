-- name: flows-filtered
-- description: The flows query without the noise already understood: inbound TCP to one port (SSH attempts) and UDP to another (QUIC) left out.
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: skip_tcp_dpt int = 22    leave out inbound TCP to this port (-1 keeps all)
-- param: skip_udp_dpt int = 443   leave out UDP to this port, either direction (-1 keeps all)
-- param: limit int = 1000         at most this many rows
SELECT proto, dpt, spt, src, dst, count(*) AS packets
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
  AND spt IS NOT NULL
  AND NOT (proto = 'TCP' AND dpt = :skip_tcp_dpt AND direction = 'in')
  AND NOT (proto = 'UDP' AND dpt = :skip_udp_dpt)
GROUP BY proto, dpt, spt, src, dst
ORDER BY spt, dpt, proto, src, dst
LIMIT :limit
