// The worker entry: the engine API exposed over comlink, and nothing else.
import { expose } from 'comlink';
import { api } from './api';

expose(api);
