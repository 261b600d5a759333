import { mount } from 'svelte';
import App from './App.svelte';
import { EngineState } from './lib/engine.svelte.ts';
import { selectHost } from './host/select-host.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
const engine = new EngineState(selectHost());
engine.start();
mount(App, { target, props: { engine } });
