import { mount } from 'svelte';
import './styles/theme.css';
import './styles/run-controls.css';
import App from './App.svelte';
import { AppState } from './lib/app.svelte.ts';
import { selectHost } from './host/select-host.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
const app = new AppState(selectHost());
mount(App, { target, props: { app } });
void app.start();
