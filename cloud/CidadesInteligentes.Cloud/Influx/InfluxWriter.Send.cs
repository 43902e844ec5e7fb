using System.Text;

namespace CidadesInteligentes.Cloud.Influx;

public sealed partial class InfluxWriter
{
    private async Task SendAsync(List<string> batch, CancellationToken ct)
    {
        var outcome = await SendWithRetryAsync(batch, 0, batch.Count, ct).ConfigureAwait(false);
        if (outcome.Status == WriteStatus.Stored)
        {
            Interlocked.Add(ref _written, batch.Count);
            return;
        }
        LogRejectedBatch(_log, batch.Count, outcome.Error);
        await IsolateAsync(batch, 0, batch.Count, outcome.Error, ct).ConfigureAwait(false);
    }

    // The range [start, start+count) was rejected: split it in halves and send each, until the bad lines are alone.
    // n lines with one poison line cost about 2·log2(n) extra requests (5,000 lines → ~26).
    // A 400 from influxd 1.x is usually a partial write: the good lines are already stored, and the halves send them
    // again. That is an idempotent overwrite (same series, same timestamp, same fields), and it is the only exact way
    // to know which lines were lost: the error text cannot say. Checked on 1.6.7: a request with one unparsable line
    // and one field-type conflict answers only "partial write: field type conflict: ... dropped=1", and the
    // unparsable line is dropped without a word. The batch itself is never sent twice.
    private async Task IsolateAsync(List<string> batch, int start, int count, string error, CancellationToken ct)
    {
        if (count == 1)
        {
            Drop(batch[start], error);
            return;
        }
        var half = count / 2;
        foreach (var (s, c) in new[] { (start, half), (start + half, count - half) })
        {
            var outcome = await SendWithRetryAsync(batch, s, c, ct).ConfigureAwait(false);
            if (outcome.Status == WriteStatus.Stored)
            {
                Interlocked.Add(ref _written, c);
            }
            else
            {
                await IsolateAsync(batch, s, c, outcome.Error, ct).ConfigureAwait(false);
            }
        }
    }

    // Returns Stored or Rejected; transient failures are retried here for as long as it takes (until disposal).
    private async Task<WriteOutcome> SendWithRetryAsync(List<string> batch, int start, int count, CancellationToken ct)
    {
        var body = Body(batch, start, count);
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await _http.WriteAsync(body, ct).ConfigureAwait(false);
            if (outcome.Status != WriteStatus.Transient)
            {
                return outcome;
            }
            var delay = RetryBackoff.Delay(attempt, _settings.FirstRetryDelay, _settings.MaxRetryDelay);
            var wait = Task.Delay(delay, _time, ct);
            // counted after the timer exists, so a test that sees the count can move the clock safely
            Interlocked.Increment(ref _retried);
            LogRetry(_log, count, attempt, delay.TotalMilliseconds, outcome.Error);
            await wait.ConfigureAwait(false);
        }
    }

    private void Drop(string line, string error)
    {
        Interlocked.Increment(ref _dropped);
        LogDropped(_log, line, error);
        lock (_recentDrops)
        {
            _recentDrops.Enqueue(new DroppedLine(line, error));
            while (_recentDrops.Count > _settings.RecentDropsKept)
            {
                _recentDrops.Dequeue();
            }
        }
    }

    private static string Body(List<string> batch, int start, int count)
    {
        var length = 0;
        for (var i = start; i < start + count; i++)
        {
            length += batch[i].Length + 1;
        }
        var text = new StringBuilder(length);
        for (var i = start; i < start + count; i++)
        {
            text.Append(batch[i]).Append('\n');
        }
        return text.ToString();
    }
}
