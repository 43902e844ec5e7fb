namespace CidadesInteligentes.Cloud.Influx;

/// <summary>
/// Settings of the InfluxDB v1 sink (<c>--Influx:Url</c>, <c>--Influx:Database</c>). A batch leaves when it holds
/// <see cref="BatchSize"/> lines or its first line has waited <see cref="FlushInterval"/>.
/// </summary>
public sealed record InfluxSettings(Uri Url, string Database)
{
    public InfluxPrecision Precision { get; init; } = InfluxPrecision.Nanoseconds;
    public int BatchSize { get; init; } = 5_000;
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Lines the queue holds before writers wait (backpressure).</summary>
    public int Capacity { get; init; } = 100_000;

    public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long disposal waits for queued lines to be written before abandoning them.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Drops remembered in <see cref="InfluxWriter.RecentDrops"/>.</summary>
    public int RecentDropsKept { get; init; } = 100;
}
