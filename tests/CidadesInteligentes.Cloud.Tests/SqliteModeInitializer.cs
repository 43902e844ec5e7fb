using System.Runtime.CompilerServices;
using CidadesInteligentes.Cloud.Storage;

namespace CidadesInteligentes.Cloud.Tests;

internal static class SqliteModeInitializer
{
    /// <summary>
    /// The tests run SQLite in the mode the cloud runs it (multi-thread, see SqliteLibrary), whichever test happens to
    /// open a connection first: the mode can only be chosen before SQLite initializes.
    /// </summary>
    [ModuleInitializer]
    internal static void Configure() => SqliteLibrary.EnsureConfigured();
}
