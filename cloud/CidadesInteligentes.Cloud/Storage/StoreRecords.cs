namespace CidadesInteligentes.Cloud.Storage;

// Rows written to and read from the SQLite store.
/// <summary>What one ingested message turns into in the store.</summary>
internal enum IngestItemKind
{
    Message,
    Status,
    DeadLetter,
}

/// <summary>A validated message (telemetry, event, ack), a status change, or a rejected message with its reason. <c>Payload</c> is the UTF-8 JSON as received.</summary>
internal sealed record IngestItem(
    IngestItemKind Kind,
    string Device,
    string Stream,
    long Seq,
    string City,
    string DeviceKind,
    DateTimeOffset Ts,
    DateTimeOffset ReceivedAt,
    byte[] Payload,
    string? State = null,
    string? Topic = null,
    string? Client = null,
    string? Reason = null,
    string? Detail = null,
    byte[]? RawPayload = null,
    string? AckId = null,
    string? AckResult = null,
    string? AckDetail = null,
    double? EnergyWh = null,
    long? BurnSeconds = null,
    string? LocalDate = null,
    bool? BackhaulUp = null,
    bool? PortalOk = null,
    int? Clients = null,
    int? UniqueClients = null,
    CidadesInteligentes.Telemetry.Contract.HotspotTelemetry? Hotspot = null);

/// <summary>What one batch adds to a device-day roll-up.</summary>
internal readonly record struct RollupDelta(string? City, string? Kind, long Messages, long FirstTs, long LastTs, double? EnergyMin, double? EnergyMax,
    long? BurnMin, long? BurnMax, long BackhaulUp, long PortalOk, long? MaxClients, long? MaxUnique, long MinSeq, long MaxSeq)
{
    /// <summary>The batch's last telemetry row id: a bound on the device's newest row (set when the batch is written).</summary>
    public long LastId { get; init; }

    public RollupDelta Add(IngestItem it)
    {
        var ts = it.Ts.ToUnixTimeMilliseconds();
        return Messages == 0
            ? new(it.City, it.DeviceKind, 1, ts, ts, it.EnergyWh, it.EnergyWh, it.BurnSeconds, it.BurnSeconds, it.BackhaulUp == true ? 1 : 0, it.PortalOk == true ? 1 : 0, it.Clients, it.UniqueClients,
                it.Seq, it.Seq)
            : new(City, Kind, Messages + 1, Math.Min(FirstTs, ts), Math.Max(LastTs, ts), Min(EnergyMin, it.EnergyWh), Max(EnergyMax, it.EnergyWh),
                Min(BurnMin, it.BurnSeconds), Max(BurnMax, it.BurnSeconds), BackhaulUp + (it.BackhaulUp == true ? 1 : 0), PortalOk + (it.PortalOk == true ? 1 : 0),
                Max(MaxClients, (long?)it.Clients), Max(MaxUnique, (long?)it.UniqueClients), Math.Min(MinSeq, it.Seq), Math.Max(MaxSeq, it.Seq));
    }

    /// <summary>Min/max where a missing value (null) never wins.</summary>
    private static T? Min<T>(T? a, T? b) where T : struct, System.Numerics.INumber<T> => a is null ? b : b is null ? a : T.Min(a.Value, b.Value);

    private static T? Max<T>(T? a, T? b) where T : struct, System.Numerics.INumber<T> => a is null ? b : b is null ? a : T.Max(a.Value, b.Value);
}

/// <summary>One device-day of the daily roll-up.</summary>
internal sealed record DailyRollup(string Device, string Date, string City, string Kind, long Messages, DateTimeOffset FirstTs, DateTimeOffset LastTs,
    double? EnergyMinWh, double? EnergyMaxWh, long? BurnMinS, long? BurnMaxS, long BackhaulUp, long PortalOk, long? MaxClients, long? MaxUnique)
{
    /// <summary>Energy between the first and last register of the day (the engines also count the step from the previous day).</summary>
    public double? EnergyWithinDayWh => EnergyMaxWh - EnergyMinWh;
}

internal enum StoreOutcome
{
    Stored,
    Duplicate,
    DeadLettered,
}

/// <summary>A stored sequenced message as read back for the engines and the API.</summary>
internal readonly record struct StoredMessage(string Device, string City, string Kind, long Seq, DateTimeOffset Ts, DateTimeOffset ReceivedAt, string Payload);

internal sealed record StoredStatus(string Device, string City, string Kind, string State, DateTimeOffset? Ts, DateTimeOffset ReceivedAt, string Payload);

internal sealed record CommandRow(string Id, string Device, string City, string Type, string Body, DateTimeOffset SentAt, string SentBy, string? Result, string? Detail, DateTimeOffset? AckAt);

internal sealed record ReportRow(string Id, string Scope, string? City, string Month, DateTimeOffset CreatedAt, bool Compliant, string Digest, bool HasPdf);

internal sealed record DeadLetterRow(long Id, DateTimeOffset ReceivedAt, string? Client, string Topic, string Reason, string Detail);
