-- name: top-talkers
-- description: The sources sending the most logged packets, with bytes, destinations and ports touched.
-- param: since timestamp = -24h   start of the window (inclusive)
-- param: until timestamp = now    end of the window (exclusive)
-- param: host string = ''         only this firewall ('' for all)
-- param: limit int = 20           at most this many sources
SELECT src,
       count(*) AS packets,
       sum(len) AS bytes,
       count(DISTINCT dst) AS destinations,
       count(DISTINCT dpt) AS ports,
       min(ts) AS first_seen,
       max(ts) AS last_seen
FROM firewall
WHERE dt BETWEEN :since_dt AND :until_dt
  AND (dt > :since_dt OR hour >= :since_hour)
  AND (dt < :until_dt OR hour <= :until_hour)
  AND ts >= CAST(:since AS timestamp) AND ts < CAST(:until AS timestamp)
  AND (:host = '' OR host = :host)
  AND src IS NOT NULL
GROUP BY src
ORDER BY packets DESC, src
LIMIT :limit
