namespace CidadesInteligentes.Edge.Core.Outbox;

/// <summary>
/// Token bucket on a <see cref="TimeProvider"/>: holds up to <c>capacity</c> tokens, refilled at
/// <c>ratePerSecond</c>. Bounds the drain rate after a reconnect so a day of backlog does not flood the uplink.
/// </summary>
public sealed class TokenBucket
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly double _capacity;
    private readonly double _ratePerSecond;
    private double _tokens;
    private long _lastTimestamp;

    public TokenBucket(double capacity, double ratePerSecond, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _capacity = capacity;
        _ratePerSecond = ratePerSecond;
        _time = timeProvider;
        _tokens = capacity;
        _lastTimestamp = timeProvider.GetTimestamp();
    }

    /// <summary>Time on the bucket's clock until a whole token is available (zero when one is).</summary>
    public TimeSpan UntilNextToken()
    {
        lock (_gate)
        {
            Refill();
            return _tokens >= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds((1 - _tokens) / _ratePerSecond);
        }
    }

    /// <summary>Takes up to <paramref name="wanted"/> whole tokens; returns how many were taken.</summary>
    public int TakeUpTo(int wanted)
    {
        lock (_gate)
        {
            Refill();
            var taken = (int)Math.Min(wanted, Math.Floor(_tokens));
            _tokens -= taken;
            return Math.Max(taken, 0);
        }
    }

    /// <summary>Adds the tokens earned since the last call (caller holds the lock).</summary>
    private void Refill()
    {
        var now = _time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_lastTimestamp, now).TotalSeconds * _ratePerSecond));
        _lastTimestamp = now;
    }
}
