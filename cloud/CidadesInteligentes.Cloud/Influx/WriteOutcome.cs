namespace CidadesInteligentes.Cloud.Influx;

/// <summary>What a <c>/write</c> request came to.</summary>
internal enum WriteStatus
{
    /// <summary>2xx: every line stored.</summary>
    Stored,

    /// <summary>400/413: some line is bad (the good ones of a partial write are already stored); never resend as is.</summary>
    Rejected,

    /// <summary>5xx, connection error, timeout, missing database: worth sending again later.</summary>
    Transient,
}

internal readonly record struct WriteOutcome(WriteStatus Status, string Error);
