namespace CidadesInteligentes.Cloud.Api;

/// <summary>What a caller may do: read, send device commands, or edit the registry. Higher roles include lower ones.</summary>
internal enum ApiRole
{
    None = 0,
    Viewer = 1,
    Operator = 2,
    Admin = 3,
}
