namespace CidadesInteligentes.Cloud.Domain.Fleet;

/// <summary>A change worth telling the dashboard about; <see cref="Alert"/> is a snapshot.</summary>
public sealed record AlertChange(string Change, Alert Alert)
{
    public const string Opened = "opened";
    public const string Reopened = "reopened";
    public const string Closed = "closed";
}
