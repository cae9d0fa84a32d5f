-- name: state-loss
-- description: Connections the firewall forgot: inbound TCP RST or ACK without SYN from service ports, in bursts from several sources within minutes of each other on one firewall (as after a restart that lost its connection state).
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: max_port int = 1024      source ports below this are service ports
-- param: gap_minutes int = 45     a quiet gap this long ends a burst
-- param: min_sources int = 2      a burst needs this many distinct sources
-- param: limit int = 200          at most this many rows
--
-- How it decides: a stateful firewall lets packets of known connections through
-- without logging them. A logged packet from a service port that belongs to an
-- established connection (RST, or ACK without SYN: ACK PSH, ACK FIN) means the
-- firewall no longer knew that connection. One such packet is a stray; several
-- servers doing it within minutes on the same firewall is lost state. Bursts are
-- runs of such packets per firewall with no gap longer than gap_minutes.
WITH stray AS (
  SELECT host, ts, src, spt, dst, tcp_flags
  FROM firewall
  WHERE dt BETWEEN :since_dt AND :until_dt
    AND (dt > :since_dt OR hour >= :since_hour)
    AND (dt < :until_dt OR hour <= :until_hour)
    AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
    AND (:host = '' OR host = :host)
    AND direction = 'in' AND proto = 'TCP' AND spt < :max_port
    AND (contains(tcp_flags, 'RST') OR (contains(tcp_flags, 'ACK') AND NOT contains(tcp_flags, 'SYN')))
),
marked AS (
  SELECT *,
         CASE WHEN lag(ts) OVER (PARTITION BY host ORDER BY ts) IS NULL
                OR date_diff('minute', lag(ts) OVER (PARTITION BY host ORDER BY ts), ts) > :gap_minutes
              THEN 1 ELSE 0 END AS starts_burst
  FROM stray
),
bursts AS (
  SELECT *, sum(starts_burst) OVER (PARTITION BY host ORDER BY ts ROWS UNBOUNDED PRECEDING) AS burst
  FROM marked
),
sized AS (
  SELECT *,
         min(ts) OVER (PARTITION BY host, burst) AS burst_start,
         count(DISTINCT src) OVER (PARTITION BY host, burst) AS burst_sources
  FROM bursts
)
SELECT host, burst_start, src, spt,
       array_join(array_agg(DISTINCT array_join(tcp_flags, ' ')), ', ') AS tcp_flags,
       count(*) AS packets,
       min(ts) AS first_seen,
       max(ts) AS last_seen,
       burst_sources
FROM sized
WHERE burst_sources >= :min_sources
GROUP BY host, burst_start, src, spt, burst_sources
ORDER BY host, burst_start, first_seen, src
LIMIT :limit
