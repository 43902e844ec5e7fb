namespace CidadesInteligentes.Cloud.Domain.Registry;

/// <summary>One thing wrong with a registry document: where (JSON path) and what, in plain words.</summary>
public sealed record RegistryProblem(string Path, string Message)
{
    public override string ToString() => Path + ": " + Message;
}
