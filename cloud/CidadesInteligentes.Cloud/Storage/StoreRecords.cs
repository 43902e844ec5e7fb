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

/// <summary>What stored telemetry adds to a device-day roll-up (one batch's, or every batch's since the last fold).</summary>
internal readonly record struct RollupDelta(string? City, string? Kind, long Messages, long FirstTs, long LastTs, double? EnergyMin, double? EnergyMax,
    long? BurnMin, long? BurnMax, long BackhaulUp, long PortalOk, long? MaxClients, long? MaxUnique, long MinSeq, long MaxSeq)
{
    /// <summary>A bound on the id of the device's newest row counted here (its batch's last telemetry row id).</summary>
    public long LastId { get; init; }

    public RollupDelta Add(IngestItem it) =>
        Add(it.City, it.DeviceKind, it.Seq, it.Ts.ToUnixTimeMilliseconds(), it.EnergyWh, it.BurnSeconds, it.BackhaulUp, it.PortalOk, it.Clients, it.UniqueClients);

    /// <summary>Adds one stored telemetry message (ingest's item, or a row read back when roll-ups are folded from the table).</summary>
    public RollupDelta Add(string city, string kind, long seq, long ts, double? energyWh, long? burnS, bool? backhaulUp, bool? portalOk, int? clients, int? uniqueClients) =>
        Messages == 0
            ? new(city, kind, 1, ts, ts, energyWh, energyWh, burnS, burnS, backhaulUp == true ? 1 : 0, portalOk == true ? 1 : 0, clients, uniqueClients, seq, seq)
            : new(City, Kind, Messages + 1, Math.Min(FirstTs, ts), Math.Max(LastTs, ts), Min(EnergyMin, energyWh), Max(EnergyMax, energyWh),
                Min(BurnMin, burnS), Max(BurnMax, burnS), BackhaulUp + (backhaulUp == true ? 1 : 0), PortalOk + (portalOk == true ? 1 : 0),
                Max(MaxClients, (long?)clients), Max(MaxUnique, (long?)uniqueClients), Math.Min(MinSeq, seq), Math.Max(MaxSeq, seq)) { LastId = this.LastId };

    /// <summary>Both aggregates as one (as the upsert's <c>DO UPDATE</c> combines a stored row with a new one).</summary>
    public RollupDelta Merge(RollupDelta o) =>
        Messages == 0 ? o
        : o.Messages == 0 ? this
        : new(City, Kind, Messages + o.Messages, Math.Min(FirstTs, o.FirstTs), Math.Max(LastTs, o.LastTs), Min(EnergyMin, o.EnergyMin), Max(EnergyMax, o.EnergyMax),
            Min(BurnMin, o.BurnMin), Max(BurnMax, o.BurnMax), BackhaulUp + o.BackhaulUp, PortalOk + o.PortalOk, Max(MaxClients, o.MaxClients), Max(MaxUnique, o.MaxUnique),
            Math.Min(MinSeq, o.MinSeq), Math.Max(MaxSeq, o.MaxSeq)) { LastId = Math.Max(LastId, o.LastId) };

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
