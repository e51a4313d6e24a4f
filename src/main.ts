import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks #app');
// Before index.html's static shell, which app.css hides once the app shows a screen of its own.
mount(App, { target, anchor: document.getElementById('boot-shell') ?? undefined });
