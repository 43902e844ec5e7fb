namespace CidadesInteligentes.Edge.Hardware;
