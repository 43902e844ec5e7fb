namespace CidadesInteligentes.Cloud.Influx;

/// <summary>
/// A snapshot of the sink's counters. <see cref="Written"/> and <see cref="Dropped"/> count lines; <see cref="Retried"/>
/// counts requests sent again after a 5xx or a connection error; <see cref="Batches"/> counts batches taken off the
/// queue (a bisected batch is still one).
/// </summary>
public readonly record struct InfluxCounters(long Written, long Retried, long Dropped, long Batches, long Queued);
