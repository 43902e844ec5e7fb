return await CidadesInteligentes.Cloud.Hosting.CloudHost.RunAsync(args).ConfigureAwait(false);
