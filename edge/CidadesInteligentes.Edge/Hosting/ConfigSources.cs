using System.Collections;

namespace CidadesInteligentes.Edge.Hosting;

/// <summary>
/// Where <see cref="EdgeProgram"/> reads its configuration besides the command line: <c>appsettings.json</c> in
/// <paramref name="AppDirectory"/>, <paramref name="EtcFile"/> when no <c>--config</c> is given, and the environment.
/// The program uses <see cref="Default"/>; tests point the same build path at temp files and a fake environment.
/// </summary>
internal sealed record ConfigSources(string AppDirectory, string EtcFile, Func<IDictionary> Variables)
{
    /// <summary>The program's directory, /etc/cidades-inteligentes/edge.json and the process environment.</summary>
    public static ConfigSources Default { get; } = new(AppContext.BaseDirectory, EdgeSettingsBinder.EtcFile, Environment.GetEnvironmentVariables);
}
