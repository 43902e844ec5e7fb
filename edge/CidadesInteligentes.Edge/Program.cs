using CidadesInteligentes.Edge.Hosting;

return await EdgeProgram.MainAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
